/**
 * Re-authentication before sensitive actions (issue 13, ASVS 3.7.1): with a session whose password
 * is older than ten minutes every form still renders, but creating an API token, inviting,
 * re-inviting, changing the role of or removing a user, pasting a platform token, changing
 * retention and erasing a person's data are sent to `/reauth` and change nothing; after the
 * password they come back to the form and work. Bearer tokens cannot re-authenticate: refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { accountLinksDb } from '../setup/account-links.js'
import {
  ageSessionPassword,
  createTestWorld,
  signIn,
  type TestClient,
  type TestWorld,
} from '../test-support/test-world.js'

let w: TestWorld
let admin: TestClient

beforeAll(async () => {
  // Pasted platform tokens are sealed with this key.
  process.env.EARSHOT_SECRET_KEY ??= Buffer.alloc(32, 7).toString('base64')
  w = await createTestWorld()
  admin = await signIn(w.app, 'admin@a.example')
})
afterAll(async () => {
  await w?.close()
})

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

interface Action {
  name: string
  /** The page holding the form (rendered for a stale session too). */
  page: string
  path: string
  fields: Record<string, string>
  /** Where /reauth is told to come back to. */
  next: string
}

function actions(): Action[] {
  const channelPage = `/setup/channels/${w.a.channel1}`
  return [
    {
      name: 'create an API token',
      page: '/setup/tokens',
      path: '/setup/tokens',
      fields: { name: 'stolen session', scopes: 'admin', days: '30' },
      next: '/setup/tokens',
    },
    {
      name: 'invite a user',
      page: '/setup/users',
      path: '/setup/users',
      fields: { email: 'mole@a.example', name: 'Mole', role: 'agency_admin' },
      next: '/setup/users',
    },
    {
      name: 'change a role',
      page: '/setup/users',
      path: `/setup/users/${w.a.viewer}`,
      fields: { role: 'agency_admin' },
      next: '/setup/users',
    },
    {
      name: 'remove a user',
      page: '/setup/users',
      path: `/setup/users/${w.a.manager}/remove`,
      fields: {},
      next: '/setup/users',
    },
    {
      name: 'resend an invitation',
      page: '/setup/users',
      path: `/setup/users/${w.a.manager}/resend`,
      fields: {},
      next: '/setup/users',
    },
    {
      name: 'paste a platform token',
      page: channelPage,
      path: `${channelPage}/token`,
      fields: { token: 'EAAB-attacker-page-token' },
      // No fixed page: back to the channel page the form was sent from.
      next: channelPage,
    },
    {
      name: 'change retention',
      page: '/settings/privacy',
      path: '/settings/privacy',
      fields: { mention_retention_months: '1', mention_retention_action: 'delete' },
      next: '/settings/privacy',
    },
    {
      name: 'erase a person',
      page: '/settings/privacy',
      path: '/settings/privacy/erase',
      fields: { platform: 'facebook', author: 'u5', mode: 'erase' },
      next: '/settings/privacy',
    },
  ]
}

/** Everything the actions above could change in organisation A. */
async function snapshot() {
  const org = w.a.orgId
  const rows = async (table: 'api_tokens' | 'channel_credentials' | 'erasure_records') =>
    (
      await w.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('organisation_id', '=', org)
        .executeTakeFirstOrThrow()
    ).n
  return {
    tokens: await rows('api_tokens'),
    credentials: await rows('channel_credentials'),
    erasures: await rows('erasure_records'),
    users: await w.db
      .selectFrom('users')
      .select(['email', 'role'])
      .where('organisation_id', '=', org)
      .orderBy('email')
      .execute(),
    links: (await accountLinksDb(w.db).selectFrom('account_links').select('user_id').execute())
      .length,
    privacy: await w.db
      .selectFrom('privacy_settings')
      .selectAll()
      .where('organisation_id', '=', org)
      .execute(),
    mentions: (
      await w.db.selectFrom('mentions').select('id').where('organisation_id', '=', org).execute()
    ).length,
  }
}

const send = (client: TestClient, action: Action, referer: string | null) =>
  client.request(action.path, {
    method: 'POST',
    headers: { ...FORM, ...(referer ? { referer } : {}) },
    body: new URLSearchParams({ _csrf: client.csrf, ...action.fields }).toString(),
  })

describe('re-authentication before sensitive actions', () => {
  it('shows the forms to a stale session, but sends each post to /reauth and changes nothing', async () => {
    await ageSessionPassword(w.db, admin, 11)
    const before = await snapshot()
    for (const action of actions()) {
      expect((await admin.get(action.page)).status, action.name).toBe(200)
      const stale = await send(admin, action, `http://localhost${action.page}`)
      expect(stale.status, action.name).toBe(303)
      expect(stale.headers.get('location'), action.name).toBe(
        `/reauth?next=${encodeURIComponent(action.next)}`,
      )
    }
    expect(await snapshot()).toEqual(before)
    // The page it comes back to never depends on a Referer that is not ours.
    const paste = actions().find((a) => a.name === 'paste a platform token')!
    const elsewhere = await send(admin, paste, 'https://evil.example/setup/channels')
    expect(elsewhere.headers.get('location')).toBe('/reauth?next=%2Faccount%2Fsecurity')
    const invite = actions().find((a) => a.name === 'invite a user')!
    expect((await send(admin, invite, null)).headers.get('location')).toBe(
      '/reauth?next=%2Fsetup%2Fusers',
    )
    expect(await snapshot()).toEqual(before)
  })

  it('counts exactly ten minutes as stale and nine as recent', async () => {
    const token = actions()[0]!
    await ageSessionPassword(w.db, admin, 10)
    expect((await send(admin, token, null)).status).toBe(303)
    await ageSessionPassword(w.db, admin, 9)
    const made = await send(admin, token, null)
    expect(made.status).toBe(200)
    expect(await made.text()).toContain('Copy your new token now')
  })

  it('comes back from /reauth to the form, where each action then works', async () => {
    await ageSessionPassword(w.db, admin, 60)
    const wrong = await admin.post('/reauth', {
      password: 'not the password',
      next: '/setup/users',
    })
    expect(wrong.status).toBe(401)
    const back = await admin.post('/reauth', {
      password: 'correct horse battery',
      next: '/setup/users',
    })
    expect(back.status).toBe(303)
    expect(back.headers.get('location')).toBe('/setup/users')

    const before = await snapshot()
    const results = new Map<string, number>()
    for (const action of actions())
      results.set(action.name, (await send(admin, action, `http://localhost${action.page}`)).status)
    expect(Object.fromEntries(results)).toEqual({
      'create an API token': 200,
      'invite a user': 200,
      'change a role': 303,
      'remove a user': 303,
      // The manager never had an open invitation: the route itself answers.
      'resend an invitation': 404,
      'paste a platform token': 303,
      'change retention': 303,
      'erase a person': 200,
    })
    const after = await snapshot()
    expect(Number(after.tokens)).toBe(Number(before.tokens) + 1)
    expect(Number(after.credentials)).toBe(Number(before.credentials) + 1)
    expect(Number(after.erasures)).toBe(Number(before.erasures) + 1)
    expect(after.users).toContainEqual({ email: 'mole@a.example', role: 'agency_admin' })
    expect(after.users).toContainEqual({ email: 'viewer@a.example', role: 'agency_admin' })
    expect(after.users.map((u) => u.email)).not.toContain('manager@a.example')
    expect(after.privacy).toMatchObject([{ mention_retention_months: 1 }])
    expect(after.mentions).toBeLessThan(before.mentions)
  })

  it('refuses bearer tokens, which cannot re-authenticate, even with the admin scope', async () => {
    const before = await snapshot()
    for (const action of actions()) {
      const res = await w.app.request(action.path, {
        method: 'POST',
        headers: { ...FORM, authorization: `Bearer ${w.a.token}` },
        body: new URLSearchParams(action.fields).toString(),
      })
      expect(res.status, action.name).toBe(403)
    }
    expect(await snapshot()).toEqual(before)
    // Everyday API use is not a sensitive action: the same token still reads.
    const api = await w.app.request('/api/v1/practices', {
      headers: { authorization: `Bearer ${w.a.token}` },
    })
    expect(api.status).toBe(200)
  })
})
