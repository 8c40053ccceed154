import { describe, expect, it } from 'vitest'
import { graphClassifier, nextGraphUrl, verifyMetaWebhook } from './graph-api.js'

const verdict = (status: number, json: unknown, headers: Record<string, string> = {}) =>
  graphClassifier({
    status,
    headers: new Headers(headers),
    text: JSON.stringify(json),
    json,
    now: 0,
  })

describe('graphClassifier', () => {
  it('treats throttling codes (sent as 400/403, not 429) as rate limits, waiting as the BUC header says', () => {
    const buc = {
      'x-business-use-case-usage':
        '{"104857293847561":[{"type":"pages","call_count":100,"total_cputime":20,"total_time":30,"estimated_time_to_regain_access":2}]}',
    }
    expect(
      verdict(
        400,
        {
          error: {
            message: '(#80001) There have been too many calls to this Page account.',
            code: 80001,
          },
        },
        buc,
      ),
    ).toMatchObject({ kind: 'rate_limited', retryAfter: 120_000, platformCode: 80001 })
    expect(
      verdict(403, {
        error: { message: '(#4) Application request limit reached', code: 4, is_transient: true },
      }),
    ).toMatchObject({ kind: 'rate_limited' })
  })

  it('sends expired tokens and lost permissions to re-authorisation', () => {
    expect(
      verdict(400, {
        error: {
          message: 'Error validating access token',
          type: 'OAuthException',
          code: 190,
          error_subcode: 463,
        },
      }),
    ).toMatchObject({ kind: 'auth', platformCode: 190 })
    expect(
      verdict(403, { error: { message: '(#200) Permissions error', code: 200 } }),
    ).toMatchObject({ kind: 'auth' })
  })

  it('retries transient errors and leaves "object does not exist" to the default rules', () => {
    expect(
      verdict(500, { error: { message: 'An unknown error occurred', code: 1 } }),
    ).toMatchObject({ kind: 'server' })
    expect(
      verdict(400, {
        error: { message: 'Unsupported get request.', code: 100, error_subcode: 33 },
      }),
    ).toBeUndefined()
  })
})

describe('nextGraphUrl', () => {
  it('follows paging.next on the API host, adding the token, and refuses other hosts', () => {
    expect(
      nextGraphUrl(
        { paging: { next: 'https://graph.facebook.com/v23.0/1/feed?after=X' } },
        'https://graph.facebook.com',
        'tok',
        'facebook',
      ),
    ).toBe('https://graph.facebook.com/v23.0/1/feed?after=X&access_token=tok')
    expect(
      nextGraphUrl(
        { paging: { cursors: { after: 'X' } } },
        'https://graph.facebook.com',
        'tok',
        'facebook',
      ),
    ).toBeUndefined()
    expect(() =>
      nextGraphUrl(
        { paging: { next: 'https://evil.example/steal' } },
        'https://graph.facebook.com',
        'tok',
        'facebook',
      ),
    ).toThrow(/another host/)
  })
})

describe('verifyMetaWebhook', () => {
  it('rejects POSTs when no app secret is configured, rather than accepting them unsigned', () => {
    const request = {
      method: 'POST',
      url: '/',
      headers: new Headers({ 'x-hub-signature-256': 'sha256=abc' }),
      body: '{}',
    }
    expect(verifyMetaWebhook(request, {})).toMatchObject({ kind: 'rejected', status: 401 })
  })
})
