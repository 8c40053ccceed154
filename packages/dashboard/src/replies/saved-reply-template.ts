/**
 * @module Saved-reply templates: `{practice_name}`-style variables, checked when a template is
 * saved and filled in when a reply is picked. Pure functions on plain text; escaping is the
 * view's job (JSX escapes what it prints).
 */

/** The variables a template may use, with the words shown for each. */
export const TEMPLATE_VARIABLES = {
  practice_name: 'practice name',
  practice_phone: 'practice phone',
  booking_link: 'booking link',
  author_name: "author's name",
} as const satisfies Record<string, string>
export type TemplateVariable = keyof typeof TEMPLATE_VARIABLES

/** What each variable stands for in one reply; null or blank means "not known". */
export type TemplateValues = Partial<Record<TemplateVariable, string | null | undefined>>

/** The result of {@link renderTemplate}. */
export interface RenderedTemplate {
  text: string
  /** Variables that had no value: each left as a {@link missingMarker} in `text`. */
  missing: TemplateVariable[]
}

// Anything in single braces is a variable reference, so "{practice name}" is caught as a typo
// rather than posted to the public with its braces.
const REFERENCE = /\{([^{}\n]{0,60})\}/g
const MARKER = /\[missing: ([a-z' ]+)\]/g

const isVariable = (name: string): name is TemplateVariable =>
  Object.hasOwn(TEMPLATE_VARIABLES, name)

/** The marker left where a variable had no value: never a silent blank. */
export function missingMarker(variable: TemplateVariable): string {
  return `[missing: ${TEMPLATE_VARIABLES[variable]}]`
}

/**
 * Checks a template: one message per unknown variable, naming it and the ones that exist.
 *
 * @example
 * templateErrors('Call {practice_phone} or {phone}')
 * // → ['unknown variable {phone}: use {practice_name}, {practice_phone}, {booking_link} or {author_name}']
 */
export function templateErrors(body: string): string[] {
  const known = Object.keys(TEMPLATE_VARIABLES).map((v) => `{${v}}`)
  const choices = `${known.slice(0, -1).join(', ')} or ${known.at(-1)}`
  const errors: string[] = []
  for (const [whole, inner] of body.matchAll(REFERENCE)) {
    if (isVariable(inner!.trim())) continue
    const message = `unknown variable ${whole}: use ${choices}`
    if (!errors.includes(message)) errors.push(message)
  }
  return errors
}

/**
 * Fills in a template. A variable without a value becomes {@link missingMarker} and is listed
 * in `missing`; an unknown reference (a template saved before a variable was removed) is left
 * as written.
 *
 * @example
 * renderTemplate('Call {practice_name} on {practice_phone}', { practice_name: 'Harbour GP' })
 * // → { text: 'Call Harbour GP on [missing: practice phone]', missing: ['practice_phone'] }
 */
export function renderTemplate(body: string, values: TemplateValues): RenderedTemplate {
  const missing: TemplateVariable[] = []
  const text = body.replace(REFERENCE, (whole, inner: string) => {
    const name = inner.trim()
    if (!isVariable(name)) return whole
    const value = values[name]?.trim()
    if (value) return value
    if (!missing.includes(name)) missing.push(name)
    return missingMarker(name)
  })
  return { text, missing }
}

/** The variables still marked missing in a reply's text (so a send can refuse it). */
export function missingMarkersIn(text: string): string[] {
  const known = new Set<string>(Object.values(TEMPLATE_VARIABLES))
  const found: string[] = []
  for (const [, words] of text.matchAll(MARKER))
    if (known.has(words!) && !found.includes(words!)) found.push(words!)
  return found
}
