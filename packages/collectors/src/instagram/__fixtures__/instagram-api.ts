/**
 * @module A fake Instagram Graph API: the account's media (cursor paging), comments with
 * expanded `replies{…}`, the account's own replies under its `username` (its `from.id` is
 * app-scoped, so it does not match the account id), and media it is tagged in. Fake ids.
 */
import { minutesBeforeContractNow } from '../../testing/contract-clock.js'
import type { FakeHandler } from '../../testing/fake-server.js'

export const IG_USER_ID = '17841401234567890'
export const IG_TOKEN = 'ig-token-secret'
const ts = (minutesAgo: number) => minutesBeforeContractNow(minutesAgo).toISOString().replace(/\.\d{3}Z$/, '+0000')

const media = [
  { id: '17912345678901234', caption: 'Whitening special this month ✨', permalink: 'https://www.instagram.com/p/AbC123/', timestamp: ts(300), comments_count: 2, username: 'smiledental' },
  { id: '17912345678905678', caption: 'Meet Dr Lee', permalink: 'https://www.instagram.com/p/DeF456/', timestamp: ts(600), comments_count: 0, username: 'smiledental' },
]
const comments = {
  data: [
    {
      id: '17890012345678901',
      text: 'Is whitening painful?',
      timestamp: ts(200),
      username: 'ana.k',
      from: { id: '1234567890123456', username: 'ana.k' },
      like_count: 0,
      hidden: false,
      replies: { data: [{ id: '17890012345679999', text: '@ana.k Not at all!', timestamp: ts(150), username: 'smiledental', from: { id: '9876543210987654', username: 'smiledental' }, parent_id: '17890012345678901' }] },
    },
    { id: '17890012345670002', text: 'How much is it?', timestamp: ts(100), username: 'ben.t', from: { id: '1234567890129999', username: 'ben.t' }, like_count: 1, hidden: false },
  ],
  paging: { cursors: { before: 'QVFIU0', after: 'QVFIU1' } },
}
const tags = { data: [{ id: '17999999999999999', caption: 'Great visit at @smiledental today', permalink: 'https://www.instagram.com/p/GhI789/', timestamp: ts(50), username: 'carla.m' }] }

export const IG_IDS = ['17912345678901234', '17912345678905678', '17890012345678901', '17890012345679999', '17890012345670002', '17999999999999999']

export const IG_EXPIRED = { status: 400, body: { error: { message: 'Error validating access token: The session has been invalidated because the user changed their password.', type: 'OAuthException', code: 190, error_subcode: 460, fbtrace_id: 'AbC' } } }

/** The fake API. */
export const instagramApi: FakeHandler = (req, server) => {
  if (req.query.get('access_token') !== IG_TOKEN) return IG_EXPIRED
  if (req.path === `/v23.0/${IG_USER_ID}/media`) {
    if (req.query.get('after') === 'M1') return { body: { data: media.slice(1), paging: { cursors: { before: 'M1', after: 'M2' } } } }
    const next = new URLSearchParams(req.query)
    next.set('after', 'M1')
    return { body: { data: media.slice(0, 1), paging: { cursors: { before: 'M0', after: 'M1' }, next: `${server.url}${req.path}?${next}` } } }
  }
  if (req.path === '/v23.0/17912345678901234/comments') return { body: comments }
  if (req.path === `/v23.0/${IG_USER_ID}/tags`) return { body: tags }
  return { status: 400, body: { error: { message: 'Unsupported get request.', type: 'GraphMethodException', code: 100, error_subcode: 33 } } }
}
