import { describe, expect, it } from 'vitest'
import { collectChannel } from '../run/core-loop.js'
import { testCollector } from '../testing/test-collector.js'
import {
  API_KEY,
  CHANNEL_ID,
  YT_AUTH_ERROR,
  YT_IDS,
  YT_QUOTA,
  youtubeApi,
} from './__fixtures__/youtube-api.js'
import {
  msUntilPacificMidnight,
  QUOTA_RESET_MARGIN_MS,
  youtubeCollector,
} from './youtube-collector.js'

describe('msUntilPacificMidnight', () => {
  const hours = (h: number) => h * 3_600_000
  it.each([
    ['23:59:30 PST', '2026-12-02T07:59:30Z', 30_000],
    ['00:00 PST', '2026-12-02T08:00:00Z', hours(24)],
    ['12:00 PDT', '2026-07-01T19:00:00Z', hours(12)],
    ['00:30 on the 25-hour day DST ends', '2026-11-01T07:30:00Z', hours(24.5)],
    ['00:30 on the 23-hour day DST starts', '2026-03-08T08:30:00Z', hours(22.5)],
    ['23:30 PDT the evening before DST ends', '2026-11-01T06:30:00Z', hours(0.5)],
  ])('at %s it is the time to the next Pacific midnight plus the margin', (_, iso, ms) => {
    expect(msUntilPacificMidnight(new Date(iso).getTime())).toBe(ms + QUOTA_RESET_MARGIN_MS)
  })
})

testCollector({
  platform: 'youtube',
  create: youtubeCollector,
  account: { externalAccountId: CHANNEL_ID },
  config: (baseUrl) => ({ apiKey: API_KEY, baseUrl }),
  api: youtubeApi,
  expectedExternalIds: YT_IDS,
  minRequests: 3,
  authError: YT_AUTH_ERROR,
  invalidConfig: { baseUrl: 'https://www.googleapis.com' },
  additionalTests: (t) => {
    const mention = t.mention

    it('threads replies under the top-level comment and treats the channel’s own replies as responses', async () => {
      const channel = await t.newChannel()
      await collectChannel(t.db, channel, t.collector())
      const question = await mention(channel, 'UgzDeF456')
      const answer = await mention(channel, 'UgzDeF456.r1')
      expect(answer).toMatchObject({
        kind: 'reply',
        direction: 'outbound',
        thread_key: 'UgzDeF456',
        parent_external_id: 'UgzDeF456',
      })
      expect(await mention(channel, 'UgzAbC123')).toMatchObject({
        text: 'Great tips!\nDoes it hurt?',
        permalink: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ&lc=UgzAbC123',
      })
      const link = await t.db
        .selectFrom('response_links')
        .selectAll()
        .where('organisation_id', '=', channel.organisation_id)
        .where('inbound_id', '=', question.id)
        .executeTakeFirstOrThrow()
      expect(link.outbound_id).toBe(answer.id)
    })

    // The clock is pinned: the wait depends on the Pacific time of day, never on when the suite runs.
    it.each([
      ['mid-afternoon', '2026-12-02T23:00:00Z', 9 * 3_600_000],
      ['the last minute before midnight', '2026-12-02T07:59:30Z', 30_000],
    ])(
      'reports an exhausted daily quota at %s as rate limited until the Pacific midnight reset',
      async (_, iso, untilMidnight) => {
        const at = new Date(iso)
        const channel = await t.newChannel()
        t.server!.failNext(YT_QUOTA)
        const collector = youtubeCollector({
          now: () => at,
          http: { sleep: async () => {}, random: () => 0.5, maxRetries: 2 },
        })
        const result = await collectChannel(t.db, channel, collector, { now: () => at })
        expect(result.status).toBe('error')
        expect(result.retryAfter).toBe(untilMidnight + QUOTA_RESET_MARGIN_MS)
        const row = await t.db
          .selectFrom('channels')
          .selectAll()
          .where('id', '=', channel.id)
          .executeTakeFirstOrThrow()
        expect(row.status).toBe('error')
        expect(new Date(row.next_poll_at!).getTime()).toBeGreaterThanOrEqual(
          at.getTime() + untilMidnight,
        )
      },
    )
  },
})
