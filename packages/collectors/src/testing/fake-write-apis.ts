/**
 * @module One fake server answering the write endpoints of every platform Earshot replies on,
 * the way the real APIs do (success bodies and error envelopes from platform-write-apis.md):
 * Graph comment replies and the Send API, X posts and DMs, Google review replies, YouTube
 * comment inserts, and a web-chat site's reply endpoint. Deleted targets, missing permissions
 * and bad tokens answer with each platform's real error; `failNext` queues anything else.
 */
import {
  type FakeRequest,
  type FakeResponse,
  type FakeServer,
  startFakeServer,
} from './fake-server.js'

/** A reply the fake platform accepted. */
export interface FakeSentReply {
  platform: 'facebook' | 'instagram' | 'x' | 'google' | 'youtube' | 'webchat'
  /** The id the fake gave the reply. */
  id: string
  /** What it answers: comment, tweet, review id, recipient or conversation. */
  target: string
  text: string
  request: FakeRequest
}

/** Options of {@link startFakeWriteApis}. */
export interface FakeWriteApiOptions {
  /** The one token every platform accepts (default `test-token`). */
  token?: string
  /** Tokens that are valid but lack the reply permission. */
  tokensWithoutPermission?: string[]
}

/** The running fake. */
export interface FakeWriteApis extends FakeServer {
  sent: FakeSentReply[]
  /** Marks a comment / tweet / review as deleted on the platform. */
  deleteTarget(id: string): void
}

/** Ready-made platform error responses for `failNext`. */
export const FAKE_SEND_ERRORS = {
  graphRateLimited: {
    status: 400,
    body: {
      error: {
        message: '(#32) Page request limit reached',
        type: 'OAuthException',
        code: 32,
        fbtrace_id: 'F1',
      },
    },
  },
  messengerOutsideWindow: {
    status: 400,
    body: {
      error: {
        message: '(#10) This message is sent outside of allowed window.',
        type: 'OAuthException',
        code: 10,
        error_subcode: 2018278,
        fbtrace_id: 'H/vnkB0t7Fk',
      },
    },
  },
  graphTransient: {
    status: 500,
    body: {
      error: {
        message: 'An unexpected error has occurred. Please retry your request later.',
        type: 'OAuthException',
        code: 2,
        is_transient: true,
      },
    },
  },
  xRateLimited: (resetEpochSeconds: number): FakeResponse => ({
    status: 429,
    headers: { 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(resetEpochSeconds) },
    body: {
      title: 'Too Many Requests',
      detail: 'Too Many Requests',
      type: 'about:blank',
      status: 429,
    },
  }),
  xDuplicate: {
    status: 403,
    body: {
      detail: 'You are not allowed to create a Tweet with duplicate content.',
      type: 'about:blank',
      title: 'Forbidden',
      status: 403,
    },
  },
  googleRateLimited: {
    status: 429,
    body: {
      error: {
        code: 429,
        message: 'Quota exceeded for quota metric',
        status: 'RESOURCE_EXHAUSTED',
      },
    },
  },
  youtubeQuotaExceeded: {
    status: 403,
    body: {
      error: {
        code: 403,
        message: 'The request cannot be completed because you have exceeded your quota.',
        errors: [{ message: 'quota', domain: 'youtube.quota', reason: 'quotaExceeded' }],
      },
    },
  },
} satisfies Record<string, FakeResponse | ((...args: never[]) => FakeResponse)>

/**
 * Starts the fake.
 *
 * @example
 * const api = await startFakeWriteApis()
 * await facebookSender({ accessToken: 'test-token', accountId: PAGE, baseUrl: api.url }).send(…)
 * expect(api.sent[0]).toMatchObject({ platform: 'facebook', text: 'Thanks!' })
 */
export async function startFakeWriteApis(
  options: FakeWriteApiOptions = {},
): Promise<FakeWriteApis> {
  const token = options.token ?? 'test-token'
  const limited = new Set(options.tokensWithoutPermission ?? [])
  const deleted = new Set<string>()
  const sent: FakeSentReply[] = []
  let counter = 0
  const nextId = () => String(1_000_000 + ++counter)
  const record = (reply: Omit<FakeSentReply, 'id'>, id: string) => {
    sent.push({ ...reply, id })
    return id
  }

  const server = await startFakeServer((req) => {
    const bearer = req.headers.authorization?.replace(/^Bearer /, '')
    const body = parseBody(req.body)
    const graphRoute = /^\/v\d+\.\d+\/([^/]+)\/(comments|replies|messages)$/.exec(req.path)
    const dmRoute = /^\/2\/dm_conversations\/with\/([^/]+)\/messages$/.exec(req.path)
    const reviewRoute = /^\/v4\/(accounts\/[^/]+\/locations\/[^/]+)\/reviews\/([^/]+)\/reply$/.exec(
      req.path,
    )
    // Graph: /vNN.N/{id}/comments | /replies | /messages
    if (graphRoute && req.method === 'POST') {
      const [, id, edge] = graphRoute as unknown as [string, string, string]
      const platform = edge === 'replies' ? 'instagram' : 'facebook'
      if (bearer !== token && !limited.has(bearer ?? ''))
        return graphError(400, 'Error validating access token: Session has expired.', 190, 463)
      if (limited.has(bearer ?? ''))
        return graphError(
          403,
          '(#200) Requires pages_manage_engagement permission to manage the object',
          200,
        )
      if (edge === 'messages') {
        const recipient = (body.recipient ?? {}) as { id?: string; comment_id?: string }
        const text = (body.message as { text?: string } | undefined)?.text ?? ''
        if (recipient.comment_id && deleted.has(recipient.comment_id))
          return graphError(400, '(#100) Unsupported post request.', 100, 33)
        const target = recipient.id ?? recipient.comment_id ?? ''
        const mid = `m_${nextId()}`
        record(
          {
            platform: id.startsWith('1784') ? 'instagram' : 'facebook',
            target,
            text,
            request: req,
          },
          mid,
        )
        return { body: { recipient_id: recipient.id ?? `psid_${target}`, message_id: mid } }
      }
      if (deleted.has(id))
        return graphError(
          400,
          `Unsupported post request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
          100,
          33,
        )
      const text = String(body.message ?? '')
      const replyId =
        platform === 'facebook' ? `${id.split('_')[0]}_${nextId()}` : `1789${nextId()}`
      return { body: { id: record({ platform, target: id, text, request: req }, replyId) } }
    }
    if (req.path === '/2/tweets' && req.method === 'POST') {
      if (limited.has(bearer ?? '')) return xProblem(403, 'Forbidden', 'client-forbidden')
      if (bearer !== token) return xProblem(401, 'Unauthorized', 'Unauthorized')
      const target =
        (body.reply as { in_reply_to_tweet_id?: string } | undefined)?.in_reply_to_tweet_id ?? ''
      if (deleted.has(target))
        return xProblem(
          400,
          'The Tweet you are replying to has been deleted or is not visible to you.',
          'Invalid Request',
        )
      const text = String(body.text ?? '')
      const id = `18765432109876${nextId()}`
      record({ platform: 'x', target, text, request: req }, id)
      return { status: 201, body: { data: { id, text, edit_history_tweet_ids: [id] } } }
    }
    if (dmRoute && req.method === 'POST') {
      if (bearer !== token) return xProblem(401, 'Unauthorized', 'Unauthorized')
      const participant = dmRoute[1]!
      const id = `18765432109877${nextId()}`
      record(
        { platform: 'x', target: participant, text: String(body.text ?? ''), request: req },
        id,
      )
      return {
        status: 201,
        body: {
          data: { dm_conversation_id: `1500000000000000001-${participant}`, dm_event_id: id },
        },
      }
    }
    if (reviewRoute && req.method === 'PUT') {
      if (bearer !== token && !limited.has(bearer ?? ''))
        return googleError(
          401,
          'Request had invalid authentication credentials.',
          'UNAUTHENTICATED',
        )
      if (limited.has(bearer ?? ''))
        return googleError(403, 'The caller does not have permission', 'PERMISSION_DENIED')
      const reviewId = reviewRoute[2]!
      if (deleted.has(reviewId))
        return googleError(404, 'Requested entity was not found.', 'NOT_FOUND')
      const comment = String(body.comment ?? '')
      record(
        { platform: 'google', target: reviewId, text: comment, request: req },
        `${reviewId}/reply`,
      )
      return {
        body: {
          comment,
          updateTime: new Date(Date.UTC(2026, 11, 2, 12, 0, ++counter)).toISOString(),
        },
      }
    }
    if (req.path === '/youtube/v3/comments' && req.method === 'POST') {
      if (bearer !== token && !limited.has(bearer ?? ''))
        return googleError(
          401,
          'Request had invalid authentication credentials.',
          'UNAUTHENTICATED',
        )
      if (limited.has(bearer ?? ''))
        return {
          status: 403,
          body: {
            error: {
              code: 403,
              message: 'Insufficient permission',
              errors: [{ reason: 'forbidden', domain: 'youtube.comment' }],
            },
          },
        }
      const snippet = (body.snippet ?? {}) as { parentId?: string; textOriginal?: string }
      const parent = snippet.parentId ?? ''
      if (deleted.has(parent))
        return {
          status: 404,
          body: {
            error: {
              code: 404,
              message: 'The parent comment was not found.',
              errors: [{ reason: 'parentCommentNotFound', domain: 'youtube.comment' }],
            },
          },
        }
      const id = `${parent}.${nextId()}`
      record(
        { platform: 'youtube', target: parent, text: snippet.textOriginal ?? '', request: req },
        id,
      )
      return {
        body: {
          kind: 'youtube#comment',
          etag: 'x9',
          id,
          snippet: {
            textOriginal: snippet.textOriginal,
            parentId: parent,
            authorChannelId: { value: 'UCsmile0001' },
            publishedAt: '2026-12-02T12:00:00Z',
          },
        },
      }
    }
    if (req.path === '/webchat/replies' && req.method === 'POST') {
      const data = (body.data ?? {}) as {
        message_id?: string
        conversation_id?: string
        text?: string
      }
      if (deleted.has(data.conversation_id ?? '')) return { status: 410, body: 'gone' }
      record(
        {
          platform: 'webchat',
          target: data.conversation_id ?? '',
          text: data.text ?? '',
          request: req,
        },
        data.message_id ?? '',
      )
      return { status: 204 }
    }
    return {
      status: 404,
      body: { error: { message: `fake write API has no route ${req.method} ${req.path}` } },
    }
  })
  return Object.assign(server, { sent, deleteTarget: (id: string) => void deleted.add(id) })
}

function parseBody(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : {}
  } catch {
    return Object.fromEntries(new URLSearchParams(text))
  }
}

function graphError(status: number, message: string, code: number, subcode?: number): FakeResponse {
  return {
    status,
    body: {
      error: {
        message,
        type: 'OAuthException',
        code,
        ...(subcode ? { error_subcode: subcode } : {}),
        fbtrace_id: 'Afake',
      },
    },
  }
}

function xProblem(status: number, detail: string, title: string): FakeResponse {
  return { status, body: { title, detail, type: 'about:blank', status } }
}

function googleError(status: number, message: string, code: string): FakeResponse {
  return { status, body: { error: { code: status, message, status: code } } }
}
