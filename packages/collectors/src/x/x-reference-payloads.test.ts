import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { mentionInputSchema } from '@earshot/core'
import { describe, expect, it } from 'vitest'
import { mapTweet, snowflakeTime } from './x-collector.js'

const REFERENCE = fileURLToPath(
  new URL('../../../../../shared/reference/payloads/x/', import.meta.url),
)
const channel = {
  id: 'ch',
  organisationId: 'o',
  practiceId: 'p',
  platform: 'x' as const,
  externalAccountId: '1',
  ownIdentities: ['1'],
}
type Page = {
  data: Record<string, unknown>[] | Record<string, unknown>
  includes?: { users?: { id: string; username?: string; name?: string }[] }
}
const read = (name: string) => JSON.parse(readFileSync(`${REFERENCE}${name}`, 'utf8')) as Page
const users = (page: Page) => new Map((page.includes?.users ?? []).map((u) => [u.id, u]))

describe.runIf(existsSync(REFERENCE))('x parsers on real payloads (shared/reference)', () => {
  it.each([
    'v2-users-mentions-next-token-public-metrics.json',
    'v2-users-mentions-tweepy-cassette-body.json',
    'v2-search-recent-includes-users-tweets-docexample.json',
    'v2-search-recent-100-page-partial-errors-next-token.json',
    'v2-search-recent-tweepy-cassette-body.json',
  ])(
    'maps every post of %s to a valid mention (dated by its snowflake id when created_at was not requested)',
    (file) => {
      const page = read(file)
      const tweets = Array.isArray(page.data) ? page.data : [page.data]
      for (const tweet of tweets) {
        const mention = mapTweet(tweet, users(page), channel)
        expect(mentionInputSchema.safeParse(mention).success).toBe(true)
      }
    },
  )

  it('keys an edited post by the first id of its edit history, dated by that id', () => {
    const page = read('v2-tweet-edited-history.json')
    const tweet = (page.data as Record<string, unknown>[])[0] as {
      id: string
      edit_history_tweet_ids: string[]
      created_at: string
    }
    const mention = mapTweet(tweet, users(page), channel)
    expect(tweet.edit_history_tweet_ids.length).toBeGreaterThan(1)
    expect(mention.externalId).toBe(tweet.edit_history_tweet_ids[0])
    expect(mention.createdAt).toEqual(snowflakeTime(tweet.edit_history_tweet_ids[0]!))
    expect((mention.createdAt as Date).getTime()).toBeLessThanOrEqual(Date.parse(tweet.created_at))
  })

  it('threads a reply-that-quotes by conversation and parents it on the replied-to post', () => {
    const page = read('v2-tweet-reply-quote-includes.json')
    const tweet = (page.data as Record<string, unknown>[])[0] as {
      conversation_id: string
      referenced_tweets: { type: string; id: string }[]
    }
    const mention = mapTweet(tweet, users(page), channel)
    expect(mention).toMatchObject({
      kind: 'reply',
      threadKey: tweet.conversation_id,
      parentExternalId: tweet.referenced_tweets.find((r) => r.type === 'replied_to')!.id,
    })
  })
})
