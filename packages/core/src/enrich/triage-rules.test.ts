import { describe, expect, it } from 'vitest'
import rulesData from './data/triage-rules.json' with { type: 'json' }
import { loadRuleSet, ruleMatches } from './rule-data.js'
import { normalizeForTriage } from './triage.js'
import { TRIAGE_RULES } from './triage-patterns.js'

const rules = [...TRIAGE_RULES.families.values()].flatMap((f) => f.rules)

describe('triage rule data', () => {
  it.each(rules.map((r) => [r.id, r] as const))('rule %s matches its examples', (_id, rule) => {
    for (const example of rule.record.examples) {
      expect(ruleMatches(rule, normalizeForTriage(example)), example).toBe(true)
    }
  })

  it.each(rules.map((r) => [r.id, r] as const))(
    'rule %s does not match its counterexamples',
    (_id, rule) => {
      for (const counter of rule.record.counterexamples) {
        expect(ruleMatches(rule, normalizeForTriage(counter)), counter).toBe(false)
      }
    },
  )

  const withRule = (patch: Record<string, unknown>) => {
    const copy = structuredClone(rulesData) as { rules: Record<string, unknown>[] }
    copy.rules[0] = { ...copy.rules[0], ...patch }
    return copy
  }

  it('refuses a rule without examples', () => {
    expect(() => loadRuleSet(withRule({ examples: [] }))).toThrow(/without examples/)
  })

  it('refuses a cue longer than a screen line', () => {
    expect(() => loadRuleSet(withRule({ cues: ['a'.repeat(300)] }))).toThrow(/cues/)
  })

  it('refuses a rule of an unknown family or with a broken pattern', () => {
    expect(() => loadRuleSet(withRule({ family: 'gossip' }))).toThrow(/unknown family/)
    expect(() => loadRuleSet(withRule({ cues: ['(unclosed'] }))).toThrow(/invalid pattern/)
  })

  it('refuses a reference to an unknown term list', () => {
    expect(() => loadRuleSet(withRule({ cues: ['{nonsense}'] }))).toThrow(/unknown term list/)
  })
})
