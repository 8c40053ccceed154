/**
 * @module The engagement promise as data: ordered targets (the first whose filter matches a
 * mention applies), a goal, and the public statement the practice made.
 */
import { z } from 'zod'
import { CATEGORIES, CLOCKS, MENTION_KINDS, PLATFORMS } from '../model/vocabulary.js'
import { userPatternProblem } from '../safety/user-pattern.js'
import { durationInputSchema, parseDuration, targetLength } from './duration.js'

export const targetFilterSchema = z
  .object({
    platforms: z.array(z.enum(PLATFORMS)).min(1).optional(),
    kinds: z.array(z.enum(MENTION_KINDS)).min(1).optional(),
    categories: z.array(z.enum(CATEGORIES)).min(1).optional(),
  })
  .default({})

export const promiseTargetSchema = z
  .object({
    name: z.string().min(1).max(100).optional(),
    filter: targetFilterSchema,
    /**
     * "2 business hours", "90m", "1 business day", `{ hours: 2 }` … On the business clock, days
     * are open days ("1 business day": the same local time on the next open day).
     */
    duration: durationInputSchema,
    /** Overrides a clock named in the duration text; default `business`. */
    clock: z.enum(CLOCKS).optional(),
  })
  .transform((t, ctx) => {
    try {
      const parsed = parseDuration(t.duration)
      const clock = t.clock ?? parsed.clock ?? 'business'
      const length = targetLength(parsed, clock)
      return {
        name: t.name ?? describeTarget(t.filter),
        filter: t.filter,
        /** Fixed length on the clock (calendar time, or open time); null for business days. */
        durationMs: length.unit === 'ms' ? length.ms : null,
        /** Number of business days; null for a fixed length. */
        businessDays: length.unit === 'business_days' ? length.days : null,
        clock,
        duration: t.duration,
      }
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message, path: ['duration'] })
      return z.NEVER
    }
  })

export const promiseSpecSchema = z.object({
  targets: z.array(promiseTargetSchema).min(1, 'a promise needs at least one target'),
  /** Share of mentions to answer within target, e.g. 0.95. */
  goal: z.number().gt(0).max(1).default(0.9),
  /** The words the practice published ("We reply to every message within 2 business hours"). */
  statement: z.string().max(500).default(''),
  /** An unanswered mention is at risk in the last `atRiskFraction` of its window (default the last quarter). */
  atRiskFraction: z.number().gt(0).lt(1).default(0.25),
  /** Whether instant replies / away messages count as responses (default: they do not). */
  countAutoReplies: z.boolean().default(false),
  /** Outbound texts matching any of these (case-insensitive regular expressions) are treated as auto-replies. */
  autoReplyPatterns: z
    .array(
      z.string().superRefine((source, ctx) => {
        const problem = userPatternProblem(source)
        if (problem !== null) ctx.addIssue({ code: 'custom', message: problem })
      }),
    )
    .default([]),
})
export type PromiseSpec = z.input<typeof promiseSpecSchema>
export type ParsedPromiseSpec = z.output<typeof promiseSpecSchema>
export type ParsedPromiseTarget = ParsedPromiseSpec['targets'][number]

/** The first target whose filter matches, with its index; null when none does. */
export function selectTarget(
  promise: ParsedPromiseSpec,
  mention: { platform: string; kind: string; category: string | null },
): { index: number; target: ParsedPromiseTarget } | null {
  for (const [index, target] of promise.targets.entries()) {
    const f = target.filter
    if (f.platforms && !f.platforms.includes(mention.platform as never)) continue
    if (f.kinds && !f.kinds.includes(mention.kind as never)) continue
    if (
      f.categories &&
      (mention.category === null || !f.categories.includes(mention.category as never))
    )
      continue
    return { index, target }
  }
  return null
}

function describeTarget(filter: z.output<typeof targetFilterSchema>): string {
  const parts = [
    filter.platforms?.join('/'),
    filter.kinds?.join('/'),
    filter.categories?.join('/'),
  ].filter(Boolean)
  return parts.length ? parts.join(' · ') : 'everything'
}
