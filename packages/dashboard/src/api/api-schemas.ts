/**
 * @module zod schemas of the JSON API's inputs. The same schemas validate requests and generate
 * the OpenAPI document, so the two cannot drift apart.
 */
import { z } from 'zod'
import {
  CATEGORIES,
  INBOX_ORDERS,
  OVERRIDE_ACTIONS,
  SENTIMENT_LABELS,
  SLA_STATUSES,
} from '../core.js'

const instant = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()])
  .describe('ISO 8601 date (YYYY-MM-DD, midnight UTC) or date-time with offset')

export const periodQuerySchema = z.object({
  from: instant.optional().describe('Start of the period (inclusive); default 30 days before `to`'),
  to: instant.optional().describe('End of the period (exclusive); default now'),
})

const yesNo = z.enum(['yes', 'no'])

export const inboxQuerySchema = z.object({
  practice: z.string().max(100).optional().describe('Only this practice'),
  channel: z.string().max(100).optional().describe('Only this channel'),
  status: z.enum(['pending', 'at_risk', 'breached']).optional().describe('Only this status'),
  category: z.enum(CATEGORIES).optional().describe('Only this triage category'),
  urgent: yesNo.optional().describe('Only urgent (`yes`) or only non-urgent (`no`) mentions'),
  privacy: yesNo
    .optional()
    .describe('Only mentions with (`yes`) or without (`no`) the privacy flag'),
  assignee: z
    .enum(['mine', 'unassigned'])
    .optional()
    .describe('Only mentions assigned to the caller, or to nobody'),
  q: z.string().max(200).optional().describe('Text to search in the message and author'),
  order: z
    .enum(INBOX_ORDERS)
    .optional()
    .describe(
      '`saveable` (default: urgent pinned, then at risk and pending by due time, then breached, latest first), `due`, `newest` or `oldest`',
    ),
  cursor: z
    .string()
    .max(2_000)
    .optional()
    .describe('`nextCursor` of the previous page (it carries the order and the as-of time)'),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(500)
    .optional()
    .describe('Items per page (default 50); every item is reachable by following `nextCursor`'),
})
export type InboxQuery = z.output<typeof inboxQuerySchema>

export const mentionsQuerySchema = z.object({
  q: z.string().max(200).optional().describe('Text to search in the message and author'),
  practice: z.string().max(100).optional(),
  channel: z.string().max(100).optional(),
  category: z.enum(CATEGORIES).optional(),
  sentiment: z.enum(SENTIMENT_LABELS).optional(),
  status: z.enum(SLA_STATUSES).optional(),
  direction: z.enum(['inbound', 'outbound']).optional(),
  from: instant.optional(),
  to: instant.optional(),
  page: z.coerce.number().int().min(1).max(100_000).optional(),
  perPage: z.coerce.number().int().min(1).max(200).optional(),
})

export const rankingQuerySchema = periodQuerySchema.extend({
  sort: z
    .enum([
      'compliance',
      'responseRate',
      'medianBusinessMs',
      'backlog',
      'sentimentMean',
      'daysSinceLastPost',
    ])
    .optional()
    .describe(
      'Order by this figure, best first (default compliance). `rank` is always by compliance.',
    ),
})

export const overrideBodySchema = z
  .object({
    action: z.enum(OVERRIDE_ACTIONS),
    handledAt: z.iso
      .datetime({ offset: true })
      .optional()
      .describe('For handled_elsewhere: when the response was made (default now)'),
    note: z.string().max(500).optional(),
  })
  .strict()

/** Parses an ISO date or date-time from the API. */
export function parseInstant(value: string): Date {
  return new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value)
}
