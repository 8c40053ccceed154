/**
 * @module PLACEHOLDER owned by the calendar engineer; replaced by the real parser.
 */
import { z } from 'zod'
export const durationInputSchema = z.union([z.string(), z.object({ days: z.number().optional(), hours: z.number().optional(), minutes: z.number().optional(), seconds: z.number().optional() })])
export type DurationInput = z.infer<typeof durationInputSchema>
export function parseDuration(_input: DurationInput): { ms: number; clock?: 'business' | 'calendar' } {
  throw new Error('parseDuration not implemented yet')
}
