/**
 * @module `earshot classify`: JSON lines in, the same lines out with sentiment and triage added.
 * The bin lives in the dashboard package; this is the logic, with injectable streams so it can
 * be tested in memory.
 */
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import type { Writable } from 'node:stream'
import { z } from 'zod'
import { DIRECTIONS, MENTION_KINDS, PLATFORMS } from '../model/vocabulary.js'
import { enrichOne } from './default-enricher.js'
import type { Enricher, EnrichInput, Enrichment } from './enricher.js'

/** The streams {@link runClassifyCli} reads and writes. */
export interface ClassifyCliIo {
  stdin: NodeJS.ReadableStream
  stdout: Writable
  stderr: Writable
  /** Classify with this enricher instead of the built-in rules (`earshot classify --enricher`). */
  enricher?: Enricher
}

/** One input line. Unknown fields are kept and written back untouched. */
const classifyLineSchema = z.looseObject({
  text: z.string(),
  platform: z.enum(PLATFORMS).optional(),
  kind: z.enum(MENTION_KINDS).optional(),
  direction: z.enum(DIRECTIONS).optional(),
  rating: z.number().min(1).max(5).nullable().optional(),
})

async function write(stream: Writable, chunk: string): Promise<void> {
  if (!stream.write(chunk)) await once(stream, 'drain')
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => (i.path.length > 0 ? `"${i.path.join('.')}": ${i.message}` : i.message))
    .join('; ')
}

/**
 * Reads JSON lines (`{"text", "platform"?, "kind"?, "rating"?}`) from stdin and writes each back
 * with `sentiment` (`label`, `score`), `needsReply`, `category`, `privacy`, `urgent` and
 * `reasons`. A bad line gets an error on stderr naming its line number and is skipped; the rest
 * are still classified. Resolves to the exit code: 0 if every line was good, 1 otherwise.
 *
 * @example
 * // echo '{"text":"do u bulk bill on saturdays"}' | npx earshot classify
 * const code = await runClassifyCli({ stdin: process.stdin, stdout: process.stdout, stderr: process.stderr })
 */
export async function runClassifyCli(io: ClassifyCliIo): Promise<number> {
  const lines = createInterface({ input: io.stdin, crlfDelay: Number.POSITIVE_INFINITY })
  let lineNo = 0
  let bad = 0
  for await (const line of lines) {
    lineNo++
    if (line.trim() === '') continue
    let json: unknown
    try {
      json = JSON.parse(line)
    } catch (err) {
      bad++
      await write(io.stderr, `line ${lineNo}: not valid JSON (${(err as Error).message})\n`)
      continue
    }
    const parsed = classifyLineSchema.safeParse(json)
    if (!parsed.success) {
      bad++
      await write(io.stderr, `line ${lineNo}: ${describeIssues(parsed.error)}\n`)
      continue
    }
    const input = parsed.data
    const platform = input.platform ?? 'import'
    const mention: EnrichInput = {
      text: input.text,
      platform,
      // A rating or a Google listing means a review unless the line says otherwise.
      kind: input.kind ?? (input.rating != null || platform === 'google' ? 'review' : 'comment'),
      direction: input.direction ?? 'inbound',
      rating: input.rating ?? null,
    }
    const e: Enrichment =
      io.enricher === undefined
        ? enrichOne(mention)
        : ((await io.enricher.enrich([mention]))[0] ?? {})
    const out = {
      ...input,
      sentiment: { label: e.sentiment?.label, score: e.sentiment?.score },
      needsReply: e.needsReply,
      category: e.category ?? null,
      privacy: e.privacy,
      urgent: e.urgent,
      reasons: e.reasons,
      ...(e.lint !== undefined ? { lint: e.lint } : {}),
    }
    await write(io.stdout, `${JSON.stringify(out)}\n`)
  }
  if (bad > 0) {
    await write(io.stderr, `${bad} of ${lineNo} line(s) could not be classified\n`)
    return 1
  }
  return 0
}
