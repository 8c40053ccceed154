import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { ChannelRow } from '@earshot/core'
import { describe, expect, it } from 'vitest'
import { collectChannel } from '../run/core-loop.js'
import { testCollector } from '../testing/test-collector.js'
import { feedApi, RSS_IDS } from './__fixtures__/feeds.js'
import { parseFeed, rssCollector, unwrapRedirect } from './rss-collector.js'

const REFERENCE = fileURLToPath(
  new URL('../../../../../shared/reference/payloads/rss/', import.meta.url),
)
const channel = {
  id: 'ch',
  organisationId: 'o',
  practiceId: 'p',
  platform: 'rss' as const,
  externalAccountId: 'feed',
  ownIdentities: [],
}

testCollector({
  platform: 'rss',
  create: rssCollector,
  account: { externalAccountId: 'smiledental-blog' },
  config: (baseUrl) => ({ url: `${baseUrl}/comments/feed/`, staffNames: ['Smile Dental Team'] }),
  api: feedApi,
  expectedExternalIds: RSS_IDS,
  minRequests: 1,
  invalidConfig: { url: 'ftp://example.com/feed' },
  additionalTests: (t) => {
    const mention = t.mention

    it('threads WordPress comments by post, recognises staff by name, and uses ETags', async () => {
      const c = await t.newChannel()
      await collectChannel(t.db, c, t.collector())
      const question = await mention(c, RSS_IDS[0]!)
      const answer = await mention(c, RSS_IDS[1]!)
      expect(question).toMatchObject({
        thread_key: 'https://smiledental.example/?p=123',
        direction: 'inbound',
        text: 'Is it safe during pregnancy?',
        author_name: 'Ana K',
      })
      expect(answer).toMatchObject({
        direction: 'outbound',
        text: 'Hi Ana, we recommend waiting – please call us to talk it through.',
      })
      const link = await t.db
        .selectFrom('response_links')
        .selectAll()
        .where('organisation_id', '=', c.organisation_id)
        .where('inbound_id', '=', question.id)
        .executeTakeFirstOrThrow()
      expect(link.outbound_id).toBe(answer.id)
      const row = await t.db
        .selectFrom('channels')
        .select('checkpoint')
        .where('id', '=', c.id)
        .executeTakeFirstOrThrow()
      expect(row.checkpoint).toMatchObject({ etag: '"v1"' })
      const again = await collectChannel(
        t.db,
        { ...c, checkpoint: row.checkpoint } as ChannelRow,
        t.collector(),
      )
      expect(again).toMatchObject({ status: 'success', batches: 0 })
    })

    it('reads Google Alerts as mentions with the real link and no markup', async () => {
      const c = await t.tenant.channel({
        platform: 'rss',
        externalAccountId: 'alerts',
        config: { url: `${t.server!.url}/alerts` },
      })
      await collectChannel(t.db, c, t.collector())
      expect(
        await mention(c, 'tag:google.com,2013:googlealerts/feed:8974135267215335962'),
      ).toMatchObject({
        kind: 'mention',
        permalink: 'https://news.example/bondi-awards',
        text: 'Smile Dental Bondi named in local awards\nLocal practice Smile Dental was recognised ...',
        author_name: null,
      })
    })
  },
})

describe('feed parsing', () => {
  it('refuses non-http redirect targets', () => {
    expect(unwrapRedirect('https://www.google.com/url?url=javascript:alert(1)')).toBe(
      'https://www.google.com/url?url=javascript:alert(1)',
    )
    expect(unwrapRedirect('javascript:alert(1)')).toBeUndefined()
  })

  it('rejects entries without a date instead of inventing one', () => {
    const xml =
      '<rss version="2.0"><channel><item><guid>a</guid><title>x</title></item></channel></rss>'
    const { items, rejected } = parseFeed(xml, channel, { staffNames: [] })
    expect(items).toEqual([])
    expect(rejected[0]!.reason).toMatch(/publication date/)
  })

  it.runIf(existsSync(REFERENCE))('parses the real Google Alerts and WordPress feeds', () => {
    const alerts = parseFeed(
      readFileSync(`${REFERENCE}google-alerts-atom-empty-author.xml`, 'utf8'),
      channel,
      { staffNames: [] },
    )
    expect(alerts.rejected).toEqual([])
    expect(alerts.items.length).toBeGreaterThan(5)
    expect(
      alerts.items.every(
        (i) =>
          i.kind === 'mention' &&
          !/<b>/.test(i.text ?? '') &&
          !i.permalink?.includes('google.com/url'),
      ),
    ).toBe(true)
    for (const file of [
      'wordpress-rss2-posts-slash-comments-wfw.xml',
      'wordpress-atom10-posts-thr-replies.xml',
    ]) {
      const feed = parseFeed(readFileSync(`${REFERENCE}${file}`, 'utf8'), channel, {
        staffNames: [],
      })
      expect(feed.rejected).toEqual([])
      expect(feed.items.length).toBeGreaterThan(0)
    }
  })
})
