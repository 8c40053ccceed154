/**
 * @module A fake Graph API for one Page, in the real response shapes (cursor paging with
 * `paging.next` absent on the last page, `filter=stream` comments naming their parent, Page
 * replies whose `from.id` is the Page), written for these tests with fake ids.
 */
import type { FakeHandler } from '../../testing/fake-server.js'

export const PAGE_ID = '104857293847561'
export const PAGE_TOKEN = 'page-token-secret'
const page = { name: 'Smile Dental', id: PAGE_ID }
const ana = { name: 'Ana K', id: '7012345678901234' }
const ben = { name: 'Ben T', id: '7012345678905555' }

export const POST_A = `${PAGE_ID}_712345678901234`
export const POST_B = `${PAGE_ID}_712345678900001`
export const POST_C = `${PAGE_ID}_712345678900002`

const posts = [
  { id: POST_A, message: 'We are open Saturday 9-13h.', created_time: '2025-01-06T09:15:00+0000', updated_time: '2025-01-06T11:00:00+0000', permalink_url: `https://www.facebook.com/${PAGE_ID}/posts/712345678901234`, from: page, status_type: 'mobile_status_update' },
  { id: POST_B, message: 'New hygienist starting Monday!', created_time: '2025-01-05T08:00:00+0000', updated_time: '2025-01-05T08:00:00+0000', permalink_url: `https://www.facebook.com/${PAGE_ID}/posts/712345678900001`, from: page },
  { id: POST_C, message: 'Does anyone know if they bulk bill?', created_time: '2025-01-04T20:00:00+0000', updated_time: '2025-01-04T20:00:00+0000', from: ben },
]

export const COMMENT_1 = '712345678901234_1122334455667788'
export const COMMENT_2 = '712345678901234_1122334455669999'
export const COMMENT_3 = '712345678901234_1122334455660003'
export const COMMENT_4 = '712345678901234_1122334455660004'

const commentsPage1 = [
  { id: COMMENT_1, message: 'Do you take new patients?', created_time: '2025-01-06T10:02:11+0000', from: ana, comment_count: 1, permalink_url: 'https://www.facebook.com/104857293847561/posts/712345678901234?comment_id=1122334455667788' },
  { id: COMMENT_2, message: 'Yes! Call 01 234 567.', created_time: '2025-01-06T10:30:40+0000', from: page, parent: { id: COMMENT_1 }, comment_count: 0 },
]
const commentsPage2 = [
  { id: COMMENT_3, message: 'My crown came loose, can someone call me back?', created_time: '2025-01-06T10:45:00+0000', from: ben, comment_count: 1 },
  { id: COMMENT_4, message: 'Still waiting...', created_time: '2025-01-06T10:50:00+0000', from: ben, parent: { id: COMMENT_3 }, comment_count: 0 },
]

export const MESSAGE_1 = 'm_AbCdEf123'
export const MESSAGE_2 = 'm_AbCdEf124'
const conversations = [
  {
    id: 't_100000000001',
    updated_time: '2025-01-06T10:20:00+0000',
    participants: { data: [{ name: 'Ana K', email: '6543210987654321@facebook.com', id: '6543210987654321' }, { name: 'Smile Dental', email: `${PAGE_ID}@facebook.com`, id: PAGE_ID }] },
    messages: {
      data: [
        { id: MESSAGE_2, message: 'You are booked for 3pm.', created_time: '2025-01-06T10:20:00+0000', from: { name: 'Smile Dental', id: PAGE_ID }, to: { data: [{ name: 'Ana K', id: '6543210987654321' }] } },
        { id: MESSAGE_1, message: 'Can I book a cleaning?', created_time: '2025-01-06T10:05:00+0000', from: { name: 'Ana K', id: '6543210987654321' }, to: { data: [{ name: 'Smile Dental', id: PAGE_ID }] } },
      ],
      paging: { cursors: { before: 'QVFIUmM', after: 'QVFIUm0' } },
    },
  },
]

export const FACEBOOK_IDS = [POST_A, POST_B, POST_C, COMMENT_1, COMMENT_2, COMMENT_3, COMMENT_4, MESSAGE_1, MESSAGE_2]

export const EXPIRED_TOKEN = {
  status: 400,
  headers: { 'www-authenticate': 'OAuth "Facebook Platform" "invalid_token" "Error validating access token"' },
  body: { error: { message: 'Error validating access token: Session has expired on Monday, 06-Jan-25 10:00:00 PST.', type: 'OAuthException', code: 190, error_subcode: 463, fbtrace_id: 'A1b2C3d4E5' } },
}

/** The fake Graph API. */
export const graphApi: FakeHandler = (req, server) => {
  if (req.query.get('access_token') !== PAGE_TOKEN) return EXPIRED_TOKEN
  const usage = { 'x-business-use-case-usage': JSON.stringify({ [PAGE_ID]: [{ type: 'pages', call_count: 3, total_cputime: 1, total_time: 1, estimated_time_to_regain_access: 0 }] }) }
  // Like Graph's own `next` links: the same query, with the `after` cursor.
  const next = (path: string, after: string) => {
    const query = new URLSearchParams(req.query)
    query.set('after', after)
    return `${server.url}${path}?${query}`
  }
  if (req.path === `/v23.0/${PAGE_ID}/feed`) {
    if (req.query.get('after') === 'QVFIUmx2') return { headers: usage, body: { data: posts.slice(2), paging: { cursors: { before: 'QVFIUmd2', after: 'QVFIUmx3' } } } }
    const until = Number(req.query.get('until') ?? Number.POSITIVE_INFINITY)
    const visible = posts.filter((p) => Date.parse(p.created_time.replace('+0000', 'Z')) / 1000 <= until)
    return { headers: usage, body: { data: visible.slice(0, 2), paging: { cursors: { before: 'QVFIUmd1', after: 'QVFIUmx2' }, ...(visible.length > 2 ? { next: next(req.path, 'QVFIUmx2') } : {}) } } }
  }
  if (req.path === `/v23.0/${POST_A}/comments`) {
    if (req.query.get('filter') !== 'stream') return { status: 400, body: { error: { message: 'expected filter=stream', code: 100 } } }
    if (req.query.get('after') === 'MgZDZD') return { body: { data: commentsPage2, paging: { cursors: { before: 'MwZDZD', after: 'NAZDZD' } } } }
    return { body: { data: commentsPage1, paging: { cursors: { before: 'MQZDZD', after: 'MgZDZD' }, next: next(req.path, 'MgZDZD') } } }
  }
  if (/^\/v23\.0\/[\d_]+\/comments$/.test(req.path)) return { body: { data: [] } }
  if (req.path === `/v23.0/${PAGE_ID}/conversations`) return { headers: usage, body: { data: conversations, paging: { cursors: { before: 'QVFIUmM', after: 'QVFIUm0' } } } }
  return { status: 404, body: { error: { message: `Unknown path components: ${req.path}`, type: 'OAuthException', code: 2500 } } }
}
