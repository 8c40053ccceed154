/**
 * @module Loads triage rules from data: each rule a record `{id, family, cues, unless, reason,
 * examples, counterexamples}`, validated with zod. A rule without examples, a cue longer than a
 * screen line, an unknown family or a family missing from the precedence does not load.
 */
import { z } from 'zod'

/** Longest cue accepted: one screen line. Longer alternations belong in `terms` or more rules. */
export const MAX_CUE_LENGTH = 240

const Cue = z.string().min(1).max(MAX_CUE_LENGTH)

/** One rule record as stored in the data file. */
export const RuleRecordSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  family: z.string().min(1),
  cues: z.array(Cue).min(1),
  unless: z.array(Cue).optional(),
  reason: z.string().min(1),
  examples: z.array(z.string().min(1)).min(1, 'a rule without examples does not load'),
  counterexamples: z.array(z.string().min(1)).default([]),
})
export type RuleRecord = z.infer<typeof RuleRecordSchema>

/** The whole rules file: precedence (declared once), shared term lists, family templates, rules. */
export const RuleFileSchema = z.object({
  $comment: z.string().optional(),
  precedence: z.array(z.string().min(1)).min(1),
  terms: z.record(z.string(), z.array(Cue).min(1)),
  families: z.record(
    z.string(),
    z.object({
      /** The regex source a family's cues are placed in, at `{cues}`. */
      wrap: z.string().includes('{cues}'),
      flags: z.string().regex(/^[iu]*$/),
      reason: z.string().min(1),
    }),
  ),
  rules: z.array(RuleRecordSchema).min(1),
})
export type RuleFile = z.infer<typeof RuleFileSchema>

/** A rule ready to run. `test` and `exec` see the rule's cues in its family's template. */
export interface CompiledRule {
  readonly id: string
  readonly family: string
  readonly reason: string
  /** Global: callers reset `lastIndex` or use {@link firstMatch}. */
  readonly pattern: RegExp
  readonly unless: RegExp | null
  readonly record: RuleRecord
}

/** A family: the union of its rules' cues (one pass to rule it out) and the rules in order. */
export interface CompiledFamily {
  readonly name: string
  readonly any: RegExp
  readonly rules: readonly CompiledRule[]
}

/** Everything triage reads: families by name and the precedence of its steps. */
export interface RuleSet {
  readonly precedence: readonly string[]
  readonly families: ReadonlyMap<string, CompiledFamily>
  family(name: string): CompiledFamily
}

const TERM_REF = /\{([a-z][a-z0-9-]*)\}/g

function expandTerms(
  cue: string,
  terms: Readonly<Record<string, readonly string[]>>,
  where: string,
) {
  return cue.replace(TERM_REF, (whole, name: string) => {
    if (name === 'cues') return whole
    const list = terms[name]
    if (list === undefined) throw new Error(`${where}: unknown term list {${name}}`)
    return `(?:${list.join('|')})`
  })
}

function compile(source: string, flags: string, where: string): RegExp {
  try {
    return new RegExp(source, flags)
  } catch (err) {
    throw new Error(`${where}: invalid pattern: ${(err as Error).message}`)
  }
}

/**
 * Validates and compiles a rules file. Throws with the rule's id when anything is wrong, so a bad
 * edit fails at load (and in the rule tests), never silently at triage time.
 */
export function loadRuleSet(data: unknown): RuleSet {
  const parsed = RuleFileSchema.safeParse(data)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const path = issue?.path.join('.') ?? ''
    const rules = (data as { rules?: Array<{ id?: string }> } | null)?.rules
    const id = issue?.path[0] === 'rules' ? rules?.[Number(issue.path[1])]?.id : undefined
    throw new Error(`triage rules: ${id ?? ''} ${path}: ${issue?.message ?? 'invalid'}`)
  }
  const file = parsed.data
  const ids = new Set<string>()
  const byFamily = new Map<string, CompiledRule[]>()
  for (const rule of file.rules) {
    const where = `triage rule ${rule.id}`
    if (ids.has(rule.id)) throw new Error(`${where}: duplicate id`)
    ids.add(rule.id)
    const family = file.families[rule.family]
    if (family === undefined) throw new Error(`${where}: unknown family ${rule.family}`)
    const cues = rule.cues.map((c) => expandTerms(c, file.terms, where)).join('|')
    const pattern = compile(family.wrap.replace('{cues}', cues), `${family.flags}g`, where)
    const unless =
      rule.unless === undefined
        ? null
        : compile(
            rule.unless.map((c) => expandTerms(c, file.terms, where)).join('|'),
            family.flags,
            where,
          )
    const list = byFamily.get(rule.family) ?? []
    list.push({
      id: rule.id,
      family: rule.family,
      reason: rule.reason,
      pattern,
      unless,
      record: rule,
    })
    byFamily.set(rule.family, list)
  }
  const families = new Map<string, CompiledFamily>()
  for (const [name, spec] of Object.entries(file.families)) {
    const rules = byFamily.get(name)
    if (rules === undefined) throw new Error(`triage family ${name}: has no rules`)
    const cues = rules
      .flatMap((r) => r.record.cues.map((c) => expandTerms(c, file.terms, `triage rule ${r.id}`)))
      .join('|')
    families.set(name, {
      name,
      any: compile(spec.wrap.replace('{cues}', cues), spec.flags, `triage family ${name}`),
      rules,
    })
  }
  return {
    precedence: file.precedence,
    families,
    family(name: string): CompiledFamily {
      const f = families.get(name)
      if (f === undefined) throw new Error(`triage rules: no family ${name}`)
      return f
    },
  }
}

/** A rule that fired and the text its cue matched. */
export interface RuleHit {
  readonly rule: CompiledRule
  readonly text: string
  readonly index: number
}

/**
 * The first hit of a family on `text`, rules in file order, skipping rules whose `unless`
 * matches and hits `accept` rejects (a negation just before, say).
 */
export function firstMatch(
  family: CompiledFamily,
  text: string,
  accept?: (hit: RuleHit) => boolean,
): RuleHit | undefined {
  if (!family.any.test(text)) return undefined
  for (const rule of family.rules) {
    if (rule.unless?.test(text)) continue
    const re = rule.pattern
    re.lastIndex = 0
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const hit = { rule, text: m[0], index: m.index }
      if (accept === undefined || accept(hit)) return hit
      if (m[0] === '') re.lastIndex++
    }
  }
  return undefined
}

/** Whether a single rule matches (its `unless` respected): what the example tests check. */
export function ruleMatches(rule: CompiledRule, text: string): boolean {
  if (rule.unless?.test(text)) return false
  rule.pattern.lastIndex = 0
  return rule.pattern.test(text)
}
