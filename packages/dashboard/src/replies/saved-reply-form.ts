/**
 * @module The saved-reply form: title, template, which practice (or the whole organisation),
 * and the categories and star ratings it suits. Parsing never throws: it returns what was typed
 * (so a form with a mistake comes back with nothing lost), an error per field, and the privacy
 * lint of the template filled in as it would be sent. A template the lint warns about is not
 * saved: a saved reply is used again and again, so its mistake would be repeated in public.
 */
import { CATEGORIES, type Category, lintReply } from '@earshot/core'
import { z } from 'zod'
import type { SavedReplyInput } from './saved-reply-store.js'
import { renderTemplate, type TemplateValues, templateErrors } from './saved-reply-template.js'

export const TITLE_MAX = 120
export const BODY_MAX = 5000
export const RATINGS = [1, 2, 3, 4, 5] as const

/** The fields as typed. */
export interface SavedReplyFormValues {
  practiceId: string
  title: string
  body: string
  categories: string[]
  ratings: string[]
}

/** The outcome of {@link parseSavedReplyForm}. */
export interface SavedReplyFormResult {
  values: SavedReplyFormValues
  errors: Partial<Record<keyof SavedReplyFormValues, string>>
  /** The template filled in with the chosen practice's values (or samples), as the lint saw it. */
  preview: string
  /** Variables the chosen practice has no value for (shown as markers in the preview). */
  missing: string[]
  /** Privacy-lint warnings of the preview; saving is refused while there are any. */
  lint: string[]
  /** Set when there are no errors and no lint warnings. */
  parsed?: SavedReplyInput
}

const text = (max: number, what: string) =>
  z
    .unknown()
    .transform((v) => (typeof v === 'string' ? v.trim() : ''))
    .pipe(z.string().min(1, `give the saved reply ${what}`).max(max, `at most ${max} characters`))

// One checkbox arrives as a string, several as an array (parseBody({ all: true })).
const many = z
  .unknown()
  .transform((v) => (Array.isArray(v) ? v : v === undefined || v === '' ? [] : [v]))
  .pipe(z.array(z.string().max(40)).max(20))

const formSchema = z.object({
  practice_id: z.unknown().transform((v) => (typeof v === 'string' ? v : '')),
  title: text(TITLE_MAX, 'a title'),
  body: text(BODY_MAX, 'a text'),
  categories: many.pipe(z.array(z.enum(CATEGORIES, { message: 'not a category Earshot knows' }))),
  ratings: many.pipe(
    z.array(
      z
        .string()
        .regex(/^[1-5]$/, 'a star rating is 1 to 5')
        .transform(Number),
    ),
  ),
})

const asStrings = (v: unknown): string[] =>
  (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter(
    (x): x is string => typeof x === 'string',
  )

/**
 * Reads and checks the form. `valuesFor` gives the variables' values for a practice id (''
 * for organisation-wide: sample values), so the lint sees the reply as it would be sent.
 */
export function parseSavedReplyForm(
  body: Record<string, unknown>,
  valuesFor: (practiceId: string) => TemplateValues,
): SavedReplyFormResult {
  const values: SavedReplyFormValues = {
    practiceId: typeof body.practice_id === 'string' ? body.practice_id : '',
    title: typeof body.title === 'string' ? body.title.trim() : '',
    body: typeof body.body === 'string' ? body.body.trim() : '',
    categories: asStrings(body.categories),
    ratings: asStrings(body.ratings),
  }
  const errors: SavedReplyFormResult['errors'] = {}
  // Unticked checkboxes send nothing at all.
  const parsed = formSchema.safeParse({ categories: [], ratings: [], ...body })
  if (!parsed.success)
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0] ?? '')
      const field = key === 'practice_id' ? 'practiceId' : (key as keyof SavedReplyFormValues)
      errors[field] ??= issue.message
    }
  const unknown = templateErrors(values.body)
  if (unknown.length) errors.body ??= unknown.join('; ')
  const { text: preview, missing } = renderTemplate(values.body, valuesFor(values.practiceId))
  const lint = values.body ? lintReply(preview) : []
  const result: SavedReplyFormResult = { values, errors, preview, missing, lint }
  if (parsed.success && Object.keys(errors).length === 0 && lint.length === 0)
    result.parsed = {
      practiceId: parsed.data.practice_id || null,
      title: parsed.data.title,
      body: parsed.data.body,
      categories: [...new Set(parsed.data.categories)] as Category[],
      ratings: [...new Set(parsed.data.ratings)].sort((a, b) => a - b),
    }
  return result
}

/** Sample values for an organisation-wide template's preview (each practice fills in its own). */
export const SAMPLE_VALUES: TemplateValues = {
  practice_name: 'Your Practice',
  practice_phone: '(02) 9000 0000',
  booking_link: 'https://example.org/book',
  author_name: 'Sam',
}

/** `GET /api/v1/saved-replies`: one practice's (with the defaults), or those suiting one mention. */
export const savedRepliesQuerySchema = z
  .object({
    practice: z.string().min(1).max(200).optional(),
    mention: z.string().min(1).max(200).optional(),
  })
  .strict()
