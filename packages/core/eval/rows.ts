/**
 * @module Labelled rows of the clinic data sets (hand-labelled mentions, the generated corpus,
 * the safety set): the row schema, a reader that validates every line, and the conversion to
 * the enricher's input. Shared by the eval and the training script.
 */
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import type { EnrichInput } from '../src/enrich/enricher.js'
import { CATEGORIES, MENTION_KINDS, PLATFORMS, SENTIMENT_LABELS } from '../src/model/vocabulary.js'

const here = dirname(fileURLToPath(import.meta.url))
export const CLINIC_FILE = resolve(here, 'clinic-mentions.jsonl')
export const CORPUS_FILE = resolve(here, 'corpus/clinic-corpus.jsonl')
export const SAFETY_FILE = resolve(here, 'corpus/safety.jsonl')
/** Held-out probe (see probe/README.md): scored only, never trained or tuned on. */
export const PROBE_FILE = resolve(here, 'probe/fresh-probe.jsonl')

export const clinicRowSchema = z.object({
  text: z.string(),
  platform: z.enum(PLATFORMS),
  kind: z.enum(MENTION_KINDS),
  rating: z.number().min(1).max(5).optional(),
  thread: z
    .array(z.object({ direction: z.enum(['inbound', 'outbound']), text: z.string() }))
    .optional(),
  needsReply: z.boolean(),
  category: z.enum(CATEGORIES),
  sentiment: z.enum(SENTIMENT_LABELS),
  privacy: z.boolean(),
  urgent: z.boolean(),
  split: z.enum(['tune', 'report', 'probe']),
  family: z.string().optional(),
})
export type ClinicRow = z.infer<typeof clinicRowSchema>

/** Reads a JSON-lines file of labelled rows; throws naming the first bad line. */
export function readRows(file: string): ClinicRow[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l, i) => {
      const parsed = clinicRowSchema.safeParse(JSON.parse(l))
      if (!parsed.success) throw new Error(`${file} line ${i + 1}: ${parsed.error.message}`)
      return parsed.data
    })
}

/** The row as ingestion would pass it to an enricher (thread messages a minute apart). */
export function toInput(row: ClinicRow): EnrichInput {
  const t0 = Date.UTC(2026, 0, 1)
  return {
    text: row.text,
    platform: row.platform,
    kind: row.kind,
    direction: 'inbound',
    rating: row.rating ?? null,
    ...(row.thread
      ? {
          thread: row.thread.map((m, i) => ({
            direction: m.direction,
            text: m.text,
            createdAt: new Date(t0 + i * 60_000),
          })),
        }
      : {}),
  }
}
