/**
 * @module A fake X API v2 in the real shapes: `data` + `includes.users` + `meta` with
 * `newest_id`/`next_token`, an empty page as just `{"meta":{"result_count":0}}`, snowflake ids
 * as strings, and edits as new ids linked by `edit_history_tweet_ids`. Fake accounts and ids.
 */
import { CONTRACT_NOW } from '../../testing/contract-clock.js'
import type { FakeHandler } from '../../testing/fake-server.js'

export const X_USER_ID = '1480000000000000001'
export const X_TOKEN = 'x-bearer-secret'
const ana = { id: '2244994945', name: 'Ana K', username: 'ana_k' }
const ben = { id: '2244994946', name: 'Ben T', username: 'bent' }
const us = { id: X_USER_ID, name: 'Smile Dental', username: 'smiledental' }

const fields = { lang: 'en' }
export const T1 = '1876543210987654321' // mention, root of a conversation
export const T2 = '1876543210987654400' // Ben's mention
export const T3_ORIGINAL = '1876543210987654500' // Ana's follow-up, edited…
export const T3_EDITED = '1876543210987654600' // …into this version
export const T4 = '1876543210987654700' // our reply, typed in X's app

const mentionsPage1 = {
  data: [
    { id: T3_EDITED, text: '@smiledental also, do you bulk bill?', author_id: ana.id, created_at: '2025-01-06T10:40:00.000Z', conversation_id: T1, in_reply_to_user_id: X_USER_ID, referenced_tweets: [{ type: 'replied_to', id: T1 }], edit_history_tweet_ids: [T3_ORIGINAL, T3_EDITED], ...fields },
    { id: T2, text: '@smiledental best dentist in town', author_id: ben.id, created_at: '2025-01-06T10:35:00.000Z', conversation_id: T2, edit_history_tweet_ids: [T2], ...fields },
  ],
  includes: { users: [ana, ben] },
  meta: { result_count: 2, newest_id: T3_EDITED, oldest_id: T2, next_token: '7140dibdnow9c7btw4b0' },
}
const mentionsPage2 = {
  data: [{ id: T1, text: '@smiledental are you open on Sunday?', author_id: ana.id, created_at: '2025-01-06T10:30:00.000Z', conversation_id: T1, edit_history_tweet_ids: [T1], ...fields }],
  includes: { users: [ana] },
  meta: { result_count: 1, newest_id: T1, oldest_id: T1 },
}
const ownPage = {
  data: [{ id: T4, text: '@ana_k No, closed Sundays, sorry!', author_id: X_USER_ID, created_at: '2025-01-06T11:00:00.000Z', conversation_id: T1, in_reply_to_user_id: ana.id, referenced_tweets: [{ type: 'replied_to', id: T1 }], edit_history_tweet_ids: [T4], ...fields }],
  includes: { users: [us] },
  meta: { result_count: 1, newest_id: T4, oldest_id: T4 },
}

export const X_IDS = [T1, T2, T3_ORIGINAL, T4]

export const X_UNAUTHORIZED = { status: 401, body: { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' } }

const rateHeaders = { 'x-rate-limit-limit': '450', 'x-rate-limit-remaining': '447', 'x-rate-limit-reset': String(Math.floor(CONTRACT_NOW.getTime() / 1000) + 900) }

/** The fake X API: mentions over two pages, the account's own posts, nothing newer than since_id. */
export const xApi: FakeHandler = (req) => {
  if (req.headers.authorization !== `Bearer ${X_TOKEN}`) return X_UNAUTHORIZED
  const since = req.query.get('since_id')
  if (req.path === `/2/users/${X_USER_ID}/mentions`) {
    if (since && BigInt(since) >= BigInt(T3_EDITED)) return { headers: rateHeaders, body: { meta: { result_count: 0 } } }
    if (req.query.get('pagination_token') === '7140dibdnow9c7btw4b0') return { headers: rateHeaders, body: mentionsPage2 }
    return { headers: rateHeaders, body: mentionsPage1 }
  }
  if (req.path === `/2/users/${X_USER_ID}/tweets`) {
    if (since && BigInt(since) >= BigInt(T4)) return { headers: rateHeaders, body: { meta: { result_count: 0 } } }
    return { headers: rateHeaders, body: ownPage }
  }
  return { status: 404, body: { title: 'Not Found Error', type: 'https://api.x.com/2/problems/resource-not-found', detail: req.path } }
}
