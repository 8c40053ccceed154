/**
 * Regenerates the rule table in docs/triage.md from src/enrich/data/triage-rules.json.
 * Run: npm run docs:triage -w @earshot/core
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { TRIAGE_RULES } from '../src/enrich/triage-patterns.js'
import { renderRulesTable, withRulesTable } from '../src/enrich/triage-rules-table.js'

const doc = resolve(dirname(fileURLToPath(import.meta.url)), '../../../docs/triage.md')
writeFileSync(doc, withRulesTable(readFileSync(doc, 'utf8'), renderRulesTable(TRIAGE_RULES)))
console.log(`updated ${doc}`)
