import type { ChannelRow } from '@earshot/core'
import { expect, it } from 'vitest'
import { collectChannel } from '../run/core-loop.js'
import { CONTRACT_NOW } from '../testing/contract-clock.js'
import { testCollector } from '../testing/test-collector.js'
import {
  T1,
  T3_ORIGINAL,
  T4,
  X_IDS,
  X_TOKEN,
  X_UNAUTHORIZED,
  X_USER_ID,
  xApi,
} from './__fixtures__/x-api.js'
import { maxId, snowflakeTime, xCollector } from './x-collector.js'

testCollector({
  platform: 'x',
  create: xCollector,
  account: { externalAccountId: X_USER_ID, ownIdentities: ['smiledental'] },
  config: (baseUrl) => ({ bearerToken: X_TOKEN, baseUrl, lookbackDays: 7 }),
  api: xApi,
  expectedExternalIds: X_IDS,
  minRequests: 3,
  authError: X_UNAUTHORIZED,
  invalidConfig: { bearerToken: 'x', maxResults: 5 },
  additionalTests: (t) => {
    const mention = t.mention

    it('threads by conversation_id, keys edits by the first id, and links our own reply', async () => {
      const channel = await t.newChannel()
      await collectChannel(t.db, channel, t.collector())
      const edited = await mention(channel, T3_ORIGINAL)
      expect(edited).toMatchObject({
        thread_key: T1,
        kind: 'reply',
        text: '@smiledental also, do you bulk bill?',
      })
      expect(edited.created_at.toISOString()).toBe(snowflakeTime(T3_ORIGINAL)!.toISOString())
      expect(edited.edited_at?.toISOString()).toBe('2025-01-06T10:40:00.000Z')
      const ours = await mention(channel, T4)
      expect(ours).toMatchObject({ direction: 'outbound', thread_key: T1, parent_external_id: T1 })
      const root = await mention(channel, T1)
      const link = await t.db
        .selectFrom('response_links')
        .selectAll()
        .where('organisation_id', '=', channel.organisation_id)
        .where('inbound_id', '=', root.id)
        .executeTakeFirstOrThrow()
      expect(link.outbound_id).toBe(ours.id)
    })

    it('stores since_id per stream and asks only for newer posts next time', async () => {
      const channel = await t.newChannel()
      await collectChannel(t.db, channel, t.collector())
      const row = await t.db
        .selectFrom('channels')
        .select('checkpoint')
        .where('id', '=', channel.id)
        .executeTakeFirstOrThrow()
      expect(row.checkpoint).toEqual({
        streams: { mentions: { sinceId: '1876543210987654600' }, own: { sinceId: T4 } },
      })
      const before = t.server!.requests.length
      await collectChannel(
        t.db,
        { ...channel, checkpoint: row.checkpoint } as ChannelRow,
        t.collector(),
      )
      const asked = t.server!.requests.slice(before)
      expect(asked.map((r) => r.query.get('since_id'))).toEqual(['1876543210987654600', T4])
    })

    it('waits until x-rate-limit-reset on a 429 without Retry-After', async () => {
      const channel = await t.newChannel()
      t.sleeps.length = 0
      const reset = Math.floor(CONTRACT_NOW.getTime() / 1000) + 20
      t.server!.failNext({
        status: 429,
        headers: { 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(reset) },
        body: {
          title: 'Too Many Requests',
          detail: 'Too Many Requests',
          type: 'about:blank',
          status: 429,
        },
      })
      const result = await collectChannel(t.db, channel, t.collector())
      expect(result.status).toBe('success')
      // Until the reset, plus the second a reset time in whole seconds may round away.
      expect(t.sleeps[0]).toBe(21_000)
    })

    it('compares snowflake ids as BigInt', () => {
      expect(maxId('9007199254740993', '9007199254740992')).toBe('9007199254740993')
      expect(maxId(undefined, T1)).toBe(T1)
    })
  },
})
