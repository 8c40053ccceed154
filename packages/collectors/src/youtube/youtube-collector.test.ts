import { expect, it } from 'vitest'
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
import { youtubeCollector } from './youtube-collector.js'

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

    it('reports an exhausted daily quota as rate limited until the Pacific midnight reset', async () => {
      const channel = await t.newChannel()
      t.server!.failNext(YT_QUOTA)
      const result = await collectChannel(t.db, channel, t.collector())
      expect(result.status).toBe('error')
      expect(result.retryAfter).toBeGreaterThan(60_000)
      const row = await t.db
        .selectFrom('channels')
        .selectAll()
        .where('id', '=', channel.id)
        .executeTakeFirstOrThrow()
      expect(row.status).toBe('error')
      expect(new Date(row.next_poll_at!).getTime()).toBeGreaterThan(Date.now() + 60_000)
    })
  },
})
