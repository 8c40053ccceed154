import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { collectChannel } from '../run/core-loop.js'
import { testCollector } from '../testing/test-collector.js'
import {
  GOOGLE_IDS,
  GOOGLE_TOKEN,
  GOOGLE_UNAUTHENTICATED,
  LOCATION,
  REFRESH_TOKEN,
  reviewsApi,
} from './__fixtures__/reviews-api.js'
import { googleCollector, mapReview, originalReviewText } from './google-collector.js'

const REFERENCE = fileURLToPath(
  new URL('../../../../../shared/reference/payloads/google-reviews/', import.meta.url),
)

testCollector({
  platform: 'google',
  create: googleCollector,
  account: { externalAccountId: LOCATION },
  config: (baseUrl) => ({ accessToken: GOOGLE_TOKEN, baseUrl }),
  api: reviewsApi,
  expectedExternalIds: GOOGLE_IDS,
  authError: GOOGLE_UNAUTHENTICATED,
  invalidConfig: { baseUrl: 'https://mybusiness.googleapis.com' },
  additionalTests: (t) => {
    const mention = t.mention

    it('maps star ratings to 1–5 and the owner reply to an outbound response in the review’s thread', async () => {
      const channel = await t.newChannel()
      await collectChannel(t.db, channel, t.collector())
      const four = await mention(channel, 'AbFvOqk2')
      const reply = await mention(channel, 'AbFvOqk2/reply')
      expect(four).toMatchObject({
        kind: 'review',
        rating: 4,
        direction: 'inbound',
        thread_key: 'AbFvOqk2',
      })
      expect(reply).toMatchObject({
        kind: 'reply',
        direction: 'outbound',
        thread_key: 'AbFvOqk2',
        parent_external_id: 'AbFvOqk2',
        text: 'Thank you, Ana!',
      })
      const link = await t.db
        .selectFrom('response_links')
        .selectAll()
        .where('organisation_id', '=', channel.organisation_id)
        .where('inbound_id', '=', four.id)
        .executeTakeFirstOrThrow()
      expect(link.outbound_id).toBe(reply.id)
      const edited = await mention(channel, 'AbFvOqk3')
      expect(edited).toMatchObject({ rating: 1 })
      expect(edited.edited_at?.toISOString()).toBe('2025-01-05T09:30:00.123Z')
      expect(await mention(channel, 'AbFvOqk4')).toMatchObject({
        rating: 5,
        text: 'Ótimo atendimento!',
        author_name: 'Anonymous',
      })
    })

    it('mints an access token from a refresh token, and a revoked one means needs_reauth', async () => {
      const ok = await t.tenant.channel({
        platform: 'google',
        externalAccountId: LOCATION,
        config: {
          refreshToken: REFRESH_TOKEN,
          clientId: 'cid',
          clientSecret: 'secret',
          tokenUrl: `${t.server!.url}/token`,
          baseUrl: t.server!.url,
        },
      })
      expect((await collectChannel(t.db, ok, t.collector())).status).toBe('success')
      const revoked = await t.tenant.channel({
        platform: 'google',
        externalAccountId: LOCATION,
        config: {
          refreshToken: 'revoked',
          tokenUrl: `${t.server!.url}/token`,
          baseUrl: t.server!.url,
        },
      })
      const result = await collectChannel(t.db, revoked, t.collector())
      expect(result.status).toBe('needs_reauth')
      expect(result.errorMessage).toMatch(/invalid_grant/)
    })
  },
})

describe('google review text', () => {
  it('keeps the reviewer’s original words from a machine-translated comment', () => {
    expect(originalReviewText('(Translated by Google) Great\n\n(Original)\nÓtimo')).toBe('Ótimo')
    expect(originalReviewText('Plain review (with brackets)')).toBe('Plain review (with brackets)')
  })

  it.runIf(existsSync(REFERENCE))(
    'maps the real list and detail captures (localised translation envelope, edited reply)',
    () => {
      const channel = {
        id: 'ch',
        organisationId: 'o',
        practiceId: 'p',
        platform: 'google' as const,
        externalAccountId: 'x',
        ownIdentities: [],
      }
      const list = JSON.parse(
        readFileSync(`${REFERENCE}v4-reviews-list-with-reply.json`, 'utf8'),
      ) as { reviews: Record<string, unknown>[] }
      const [review, reply] = mapReview(list.reviews[0]!, channel)
      expect(review).toMatchObject({ kind: 'review', rating: 5 })
      expect(reply).toMatchObject({ kind: 'reply', direction: 'outbound' })
      const detail = JSON.parse(
        readFileSync(
          `${REFERENCE}v4-review-get-google-translated-comment-edited-reply.json`,
          'utf8',
        ),
      ) as Record<string, unknown>
      expect(mapReview(detail, channel)[0]!.text).toBe('Awesome service!')
    },
  )
})
