/**
 * @module A fake Business Profile reviews API (v4 shapes: `reviews[]`, `starRating` enum,
 * `reviewReply`, `nextPageToken` absent on the last page, Google error envelopes), plus the
 * OAuth token endpoint. Fake location, reviewers and tokens.
 */
import type { FakeHandler } from '../../testing/fake-server.js'

export const LOCATION = 'accounts/1090/locations/8877'
export const GOOGLE_TOKEN = 'ya29.fake-access-token'
export const REFRESH_TOKEN = '1//fake-refresh-token'

const review = (id: string, stars: string, comment: string | undefined, created: string, updated: string, reply?: { comment: string; updateTime: string }, reviewer: Record<string, unknown> = { displayName: 'Ana K', isAnonymous: false }) => ({
  name: `${LOCATION}/reviews/${id}`,
  reviewId: id,
  reviewer: { profilePhotoUrl: 'https://lh3.googleusercontent.com/a/x', ...reviewer },
  starRating: stars,
  ...(comment !== undefined ? { comment } : {}),
  createTime: created,
  updateTime: updated,
  ...(reply ? { reviewReply: reply } : {}),
})

const page1 = {
  reviews: [
    review('AbFvOqk2', 'FOUR', 'Friendly staff, short wait.', '2025-01-05T17:40:12.345678Z', '2025-01-05T17:40:12.345678Z', { comment: 'Thank you, Ana!', updateTime: '2025-01-06T08:00:00Z' }),
    review('AbFvOqk3', 'ONE', 'Waited 90 minutes past my appointment. Rude reception.', '2025-01-04T09:00:00Z', '2025-01-05T09:30:00.123456789Z', undefined, { displayName: 'Ben T' }),
  ],
  averageRating: 4.6,
  totalReviewCount: 3,
  nextPageToken: 'CiAKGjBf',
}
const page2 = {
  reviews: [review('AbFvOqk4', 'FIVE', '(Translated by Google) Great service!\n\n(Original)\nÓtimo atendimento!', '2025-01-03T12:00:00Z', '2025-01-03T12:00:00Z', undefined, { isAnonymous: true })],
  averageRating: 4.6,
  totalReviewCount: 3,
}

export const GOOGLE_IDS = ['AbFvOqk2', 'AbFvOqk2/reply', 'AbFvOqk3', 'AbFvOqk4']

export const GOOGLE_UNAUTHENTICATED = {
  status: 401,
  body: { error: { code: 401, message: 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.', status: 'UNAUTHENTICATED' } },
}

/** The fake API: two pages of reviews, and a token endpoint that accepts the fake refresh token. */
export const reviewsApi: FakeHandler = (req) => {
  if (req.path === '/token') {
    const form = new URLSearchParams(req.body)
    if (form.get('refresh_token') === REFRESH_TOKEN) return { body: { access_token: GOOGLE_TOKEN, expires_in: 3599, token_type: 'Bearer' } }
    return { status: 400, body: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' } }
  }
  if (req.headers.authorization !== `Bearer ${GOOGLE_TOKEN}`) return GOOGLE_UNAUTHENTICATED
  if (req.path === `/v4/${LOCATION}/reviews`) return { body: req.query.get('pageToken') === 'CiAKGjBf' ? page2 : page1 }
  return { status: 404, body: { error: { code: 404, message: 'Requested entity was not found.', status: 'NOT_FOUND' } } }
}
