/**
 * @module The OpenAPI 3.1 document of the JSON API, built from the same zod schemas that validate
 * requests (query parameters come from `z.toJSONSchema`).
 */
import { z } from 'zod'
import { INBOX_ORDERS } from '../core.js'
import { HTTP_ERROR_CODES } from '../http/http-errors.js'
import { savedRepliesQuerySchema } from '../replies/saved-reply-form.js'
import {
  inboxQuerySchema,
  mentionsQuerySchema,
  overrideBodySchema,
  periodQuerySchema,
  rankingQuerySchema,
} from './api-schemas.js'

type JsonObject = Record<string, unknown>

function queryParameters(schema: z.ZodObject): JsonObject[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, JsonObject>
    required?: string[]
  }
  return Object.entries(json.properties ?? {}).map(([name, prop]) => {
    const { description, ...rest } = prop
    return {
      name,
      in: 'query',
      required: json.required?.includes(name) ?? false,
      ...(description ? { description } : {}),
      schema: rest,
    }
  })
}

const idParam = (name: string, description: string) => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: { type: 'string' },
})

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
})

const ok = (description: string, schema: JsonObject) => ({
  description,
  content: { 'application/json': { schema } },
})

const standardErrors = {
  '400': errorResponse('Invalid query or body; `error.issues` lists each problem'),
  '401': errorResponse('No valid session or API token'),
  '404': errorResponse('Unknown id, or one outside your organisation or practices'),
}

/** The OpenAPI document (a plain object; served as JSON). */
export function openApiDocument(): JsonObject {
  const summary = {
    type: 'object',
    properties: {
      practiceId: { type: 'string' },
      needingReply: { type: 'integer' },
      answered: { type: 'integer' },
      met: { type: 'integer' },
      missed: { type: 'integer' },
      breached: { type: 'integer' },
      responseRate: { type: ['number', 'null'], description: 'answered / needing reply' },
      compliance: { type: ['number', 'null'], description: 'met / (met + missed + breached)' },
      medianBusinessMs: { type: ['number', 'null'] },
      p90BusinessMs: { type: ['number', 'null'] },
      medianWallMs: { type: ['number', 'null'] },
      p90WallMs: { type: ['number', 'null'] },
      backlog: { type: 'integer' },
      oldestOpenAt: { type: ['string', 'null'], format: 'date-time' },
      inbound: { type: 'integer' },
      sentimentMean: { type: ['number', 'null'] },
      sentimentShares: {
        type: 'object',
        properties: {
          negative: { type: 'number' },
          neutral: { type: 'number' },
          positive: { type: 'number' },
        },
      },
      postsInPeriod: { type: 'integer' },
      postsPerWeek: { type: 'number' },
      lastPostAt: { type: ['string', 'null'], format: 'date-time' },
      daysSinceLastPost: { type: ['integer', 'null'] },
    },
  }
  const mention = {
    type: 'object',
    properties: {
      id: { type: 'string' },
      practiceId: { type: 'string' },
      channelId: { type: 'string' },
      platform: { type: 'string' },
      kind: { type: 'string' },
      direction: { type: 'string', enum: ['inbound', 'outbound'] },
      authorName: { type: ['string', 'null'] },
      text: { type: 'string' },
      permalink: { type: ['string', 'null'] },
      createdAt: { type: 'string', format: 'date-time' },
      category: { type: ['string', 'null'] },
      sentimentLabel: { type: ['string', 'null'] },
      privacy: { type: 'boolean' },
      urgent: { type: 'boolean' },
      status: {
        type: ['string', 'null'],
        enum: ['exempt', 'pending', 'at_risk', 'breached', 'met', 'missed', null],
      },
      dueAt: { type: ['string', 'null'], format: 'date-time' },
    },
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Earshot API',
      version: '1.0.0',
      description:
        'Response-time (SLA) analytics for health practices. Every answer is limited to the organisation and practices of the caller. Authenticate with `Authorization: Bearer <token>` (API tokens) or a dashboard session cookie (then unsafe methods need the `X-CSRF-Token` header).',
    },
    servers: [{ url: '/api/v1' }],
    security: [{ bearerAuth: [] }, { sessionCookie: [] }],
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description:
            'An API token from `earshot token add` (expires, 90 days by default). Scopes: `read` for GET, `write` for changes (403 without it), `admin` for administrative changes.',
        },
        sessionCookie: { type: 'apiKey', in: 'cookie', name: 'earshot_session' },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: {
                code: { type: 'string', enum: HTTP_ERROR_CODES },
                message: { type: 'string' },
                issues: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: { path: { type: 'string' }, message: { type: 'string' } },
                  },
                },
              },
            },
          },
        },
        PracticeSummary: summary,
        Mention: mention,
        Override: z.toJSONSchema(overrideBodySchema, { io: 'input' }),
      },
    },
    paths: {
      '/practices': {
        get: {
          operationId: 'listPractices',
          summary: 'Practices you may see',
          responses: {
            '200': ok('Practices', {
              type: 'object',
              properties: { practices: { type: 'array', items: { type: 'object' } } },
            }),
            '401': standardErrors['401'],
          },
        },
      },
      '/practices/{practiceId}': {
        get: {
          operationId: 'getPractice',
          summary: 'One practice with its current promise and channels',
          parameters: [idParam('practiceId', 'Practice id')],
          responses: { '200': ok('The practice', { type: 'object' }), ...standardErrors },
        },
      },
      '/practices/{practiceId}/metrics': {
        get: {
          operationId: 'getPracticeMetrics',
          summary: 'Figures and chart series of a practice over a period',
          parameters: [idParam('practiceId', 'Practice id'), ...queryParameters(periodQuerySchema)],
          responses: {
            '200': ok('Summary and series', {
              type: 'object',
              properties: {
                summary: { $ref: '#/components/schemas/PracticeSummary' },
                charts: { type: 'object' },
              },
            }),
            ...standardErrors,
          },
        },
      },
      '/ranking': {
        get: {
          operationId: 'getRanking',
          summary:
            'Practices side by side: figures, rank by compliance and percentile benchmark per metric',
          parameters: queryParameters(rankingQuerySchema),
          responses: {
            '200': ok('Ranking', {
              type: 'object',
              properties: {
                ranking: { type: 'array', items: { $ref: '#/components/schemas/PracticeSummary' } },
              },
            }),
            ...standardErrors,
          },
        },
      },
      '/alerts': {
        get: {
          operationId: 'listAlerts',
          summary:
            'Spike alerts firing now: last 24 hours of negative (or all) mentions above the trailing week by 3 standard deviations, at least 5 mentions',
          parameters: queryParameters(inboxQuerySchema.pick({ practice: true })),
          responses: {
            '200': ok('Alerts', {
              type: 'object',
              properties: {
                alerts: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: {
                      practiceId: { type: 'string' },
                      practiceName: { type: 'string' },
                      kind: { type: 'string', enum: ['negative', 'total'] },
                      count: { type: 'integer' },
                      baselineMean: { type: 'number' },
                      threshold: { type: 'number' },
                      windowStart: { type: 'string', format: 'date-time' },
                      windowEnd: { type: 'string', format: 'date-time' },
                    },
                  },
                },
              },
            }),
            ...standardErrors,
          },
        },
      },
      '/inbox': {
        get: {
          operationId: 'listInbox',
          summary:
            'Mentions waiting for a reply, most saveable first; keyset pages with true totals and no cap',
          parameters: queryParameters(inboxQuerySchema),
          responses: {
            '200': ok('One page of the inbox', {
              type: 'object',
              required: ['items', 'nextCursor', 'asOf', 'order', 'totals'],
              properties: {
                items: { type: 'array', items: { $ref: '#/components/schemas/Mention' } },
                nextCursor: {
                  type: ['string', 'null'],
                  description: 'Pass as `cursor` for the next page; null on the last page',
                },
                asOf: {
                  type: 'string',
                  format: 'date-time',
                  description:
                    'The instant statuses and countdowns of the whole page sequence are computed at',
                },
                order: { type: 'string', enum: [...INBOX_ORDERS] },
                totals: {
                  type: 'object',
                  properties: {
                    total: { type: 'integer', description: 'Items matching every filter' },
                    urgent: { type: 'integer' },
                    byStatus: {
                      type: 'object',
                      description: 'Per status, with every filter but `status`',
                      properties: {
                        pending: { type: 'integer' },
                        at_risk: { type: 'integer' },
                        breached: { type: 'integer' },
                      },
                    },
                  },
                },
              },
            }),
            ...standardErrors,
          },
        },
      },
      '/saved-replies': {
        get: {
          operationId: 'listSavedReplies',
          summary:
            "Saved replies: a practice's (with the organisation-wide defaults) as templates, or, with `mention`, those suiting that mention filled in for it (`text`, and the variables still `missing`)",
          parameters: queryParameters(savedRepliesQuerySchema),
          responses: {
            '200': ok('Saved replies, the practice own first when for a mention', {
              type: 'object',
              required: ['savedReplies'],
              properties: { savedReplies: { type: 'array', items: { type: 'object' } } },
            }),
            ...standardErrors,
          },
        },
      },
      '/mentions': {
        get: {
          operationId: 'searchMentions',
          summary: 'Search and filter mentions, newest first, paginated',
          parameters: queryParameters(mentionsQuerySchema),
          responses: {
            '200': ok('A page of mentions', {
              type: 'object',
              properties: {
                items: { type: 'array', items: { $ref: '#/components/schemas/Mention' } },
                total: { type: 'integer' },
                page: { type: 'integer' },
                perPage: { type: 'integer' },
              },
            }),
            ...standardErrors,
          },
        },
      },
      '/mentions/{mentionId}': {
        get: {
          operationId: 'getMention',
          summary: 'A mention with its thread, SLA evaluation (audit trail) and overrides',
          parameters: [idParam('mentionId', 'Mention id')],
          responses: { '200': ok('The mention', { type: 'object' }), ...standardErrors },
        },
      },
      '/mentions/{mentionId}/overrides': {
        post: {
          operationId: 'createOverride',
          summary:
            'Record "handled elsewhere", "no reply needed" or "needs reply" (not for viewers)',
          parameters: [idParam('mentionId', 'Mention id')],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Override' } } },
          },
          responses: {
            '201': ok('Recorded; the mention as it is now', { type: 'object' }),
            ...standardErrors,
            '403': errorResponse('Read-only role, or missing CSRF token for a cookie session'),
          },
        },
      },
      '/openapi.json': {
        get: {
          operationId: 'getOpenApi',
          summary: 'This document',
          security: [],
          responses: { '200': ok('OpenAPI 3.1 document', { type: 'object' }) },
        },
      },
    },
  }
}
