import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { TRIAGE_RULES } from './triage-patterns.js'
import { renderRulesTable, withRulesTable } from './triage-rules-table.js'

const docPath = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../docs/triage.md')

describe('docs/triage.md rule table', () => {
  it('is current with the rule data (run npm run docs:triage -w @earshot/core)', () => {
    const doc = readFileSync(docPath, 'utf8')
    expect(withRulesTable(doc, renderRulesTable(TRIAGE_RULES))).toBe(doc)
  })

  it('lists every rule id', () => {
    const table = renderRulesTable(TRIAGE_RULES)
    for (const family of TRIAGE_RULES.families.values()) {
      for (const rule of family.rules) expect(table).toContain(`\`${rule.id}\``)
    }
  })
})
