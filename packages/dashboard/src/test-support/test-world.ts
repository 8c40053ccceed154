/**
 * @module Test fixtures for the dashboard's route tests: one in-memory database with two
 * organisations (A with two practices, B with one), channels, mentions ingested through core
 * with a deterministic enricher, users of every role, an API token, and a small cookie-aware
 * client that signs in through the real form.
 */
import {
  createChannel,
  createOrganisation,
  createPractice,
  type Database,
  type EarshotDatabase,
  type Enricher,
  type EnrichInput,
  type Enrichment,
  ingest,
  openDatabase,
} from '@earshot/core'
import type { Hono } from 'hono'
import type { Kysely } from 'kysely'
import { createDashboard, type DashboardOptions } from '../app.js'
import { createApiToken } from '../auth/create-api-token.js'
import { createUser } from '../auth/create-user.js'
import { sha256Hex } from '../auth/secret-token.js'
import type { DashboardEnv } from '../http/dashboard-env.js'

/** The pinned clock of every test: Friday 20 Nov 2026, 14:00 in Sydney. */
export const NOW = new Date('2026-11-20T03:00:00Z')
export const PASSWORD = 'correct horse battery'

/** Texts that must render inert wherever they appear. */
export const XSS = {
  script: '<script>alert("pwned")</script> when are you open?',
  img: '<img src=x onerror="alert(1)"> can I book?',
  author: '<b onmouseover=alert(2)>Mallory</b>',
}

/**
 * Deterministic triage for tests: every inbound mention needs a reply (category question)
 * unless it says thanks; "medication" marks a privacy disclosure, "urgent" an urgent one.
 */
export const testEnricher: Enricher = {
  name: 'test',
  version: '1',
  enrich(inputs: readonly EnrichInput[]): Enrichment[] {
    return inputs.map((m) => {
      const thanks = /thank/i.test(m.text)
      return {
        sentiment: thanks
          ? { score: 0.8, label: 'positive', confidence: 1 }
          : /awful|rude/i.test(m.text)
            ? { score: -0.7, label: 'negative', confidence: 1 }
            : { score: 0, label: 'neutral', confidence: 1 },
        ...(m.direction === 'inbound'
          ? {
              needsReply: !thanks,
              category: thanks ? 'praise' : 'question',
              reasons: [thanks ? 'says thanks' : 'asks something'],
            }
          : {}),
        privacy: /medication/i.test(m.text),
        urgent: /urgent/i.test(m.text),
      }
    })
  },
}

const schedule = {
  timeZone: 'Australia/Sydney',
  holidayRegion: 'AU-NSW',
  weekly: {
    mon: [{ start: '08:00', end: '18:00' }],
    tue: [{ start: '08:00', end: '18:00' }],
    wed: [{ start: '08:00', end: '18:00' }],
    thu: [{ start: '08:00', end: '18:00' }],
    fri: [
      { start: '08:00', end: '12:30' },
      { start: '13:30', end: '18:00' },
    ],
  },
}
const promise = {
  targets: [{ duration: '2 business hours' }],
  goal: 0.9,
  statement: 'We reply to every message within 2 business hours',
}

const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000).toISOString()

export interface TestWorld {
  db: Kysely<Database>
  /** The opened database (for starting the job system on it). */
  database: EarshotDatabase
  close(): Promise<void>
  app: Hono<DashboardEnv>
  makeApp(options?: Partial<DashboardOptions>): Hono<DashboardEnv>
  a: {
    orgId: string
    practice1: string
    practice2: string
    channel1: string
    channel2: string
    admin: string
    manager: string
    viewer: string
    token: string
    viewerToken: string
  }
  b: {
    orgId: string
    practice: string
    channel: string
    admin: string
    token: string
    mentionIds: string[]
    secretText: string
    practiceName: string
  }
  /** Mention ids of organisation A by role in the fixtures. */
  mentions: {
    open: string
    xssScript: string
    xssImg: string
    privacy: string
    answered: string
    reply: string
    thanks: string
    practice2Open: string
  }
}

async function mentionIdOf(
  db: Kysely<Database>,
  orgId: string,
  externalId: string,
): Promise<string> {
  const row = await db
    .selectFrom('mentions')
    .select('id')
    .where('organisation_id', '=', orgId)
    .where('external_id', '=', externalId)
    .executeTakeFirstOrThrow()
  return row.id
}

/** Builds the world (about 5 s: PGlite start-up and migrations). */
export async function createTestWorld(): Promise<TestWorld> {
  const database = await openDatabase()
  const { db, close } = database
  const orgA = await createOrganisation(db, { name: 'Harbour Health Agency' })
  const orgB = await createOrganisation(db, { name: 'Rival Dental Group' })
  const p1 = await createPractice(db, {
    organisationId: orgA.id,
    name: 'Harbour GP',
    schedule,
    promise,
  })
  const p2 = await createPractice(db, {
    organisationId: orgA.id,
    name: 'Bondi Physio',
    schedule,
    promise,
  })
  const pB = await createPractice(db, {
    organisationId: orgB.id,
    name: 'Rival Dental Secret Clinic',
    schedule,
    promise,
  })
  const ch1 = await createChannel(db, {
    organisationId: orgA.id,
    practiceId: p1.id,
    platform: 'facebook',
    externalAccountId: 'page-harbour',
    name: 'Harbour GP Facebook',
  })
  const ch2 = await createChannel(db, {
    organisationId: orgA.id,
    practiceId: p2.id,
    platform: 'google',
    externalAccountId: 'gbp-bondi',
    name: 'Bondi Physio Google',
  })
  const chB = await createChannel(db, {
    organisationId: orgB.id,
    practiceId: pB.id,
    platform: 'facebook',
    externalAccountId: 'page-rival',
    name: 'Rival Facebook',
  })
  const secretText = 'RIVAL-SECRET patient asks about a crown'

  const itemsA = [
    {
      channelId: ch1.id,
      externalId: 'a-open',
      kind: 'comment',
      author: { id: 'u1', name: 'Alice Patient' },
      text: 'Do you bulk bill on Saturdays?',
      createdAt: hoursAgo(1),
      permalink: 'https://facebook.com/harbour/posts/1',
    },
    {
      channelId: ch1.id,
      externalId: 'a-xss-script',
      kind: 'comment',
      author: { id: 'u2', name: XSS.author },
      text: XSS.script,
      createdAt: hoursAgo(2),
      permalink: 'https://facebook.com/harbour/posts/2',
    },
    {
      channelId: ch1.id,
      externalId: 'a-xss-img',
      kind: 'comment',
      author: { id: 'u3', name: 'Eve' },
      text: XSS.img,
      createdAt: hoursAgo(3),
      permalink: 'https://facebook.com/harbour/posts/3',
    },
    {
      channelId: ch1.id,
      externalId: 'a-privacy',
      kind: 'comment',
      author: { id: 'u4', name: 'Bob' },
      text: 'My medication ran out, urgent, can the doctor call?',
      createdAt: hoursAgo(26),
    },
    {
      channelId: ch1.id,
      externalId: 'a-answered',
      kind: 'comment',
      author: { id: 'u5', name: 'Carol' },
      text: 'Are you open on Monday?',
      createdAt: hoursAgo(30),
    },
    {
      channelId: ch1.id,
      externalId: 'a-reply',
      kind: 'reply',
      parentExternalId: 'a-answered',
      threadKey: 'a-answered',
      author: { id: 'page-harbour', name: 'Harbour GP' },
      text: 'Yes, from 8am!',
      createdAt: hoursAgo(29),
    },
    {
      channelId: ch1.id,
      externalId: 'a-thanks',
      kind: 'reply',
      parentExternalId: 'a-answered',
      threadKey: 'a-answered',
      author: { id: 'u5', name: 'Carol' },
      text: 'Thank you!',
      createdAt: hoursAgo(28),
    },
    {
      channelId: ch1.id,
      externalId: 'a-post',
      kind: 'post',
      author: { id: 'page-harbour', name: 'Harbour GP' },
      text: 'Flu shots available now',
      createdAt: hoursAgo(72),
    },
    {
      channelId: ch2.id,
      externalId: 'a2-open',
      kind: 'review',
      author: { id: 'u9', name: 'Dan' },
      text: 'The receptionist was rude',
      rating: 2,
      createdAt: hoursAgo(5),
    },
  ]
  const itemsB = [
    {
      channelId: chB.id,
      externalId: 'b-open',
      kind: 'comment',
      author: { id: 'x1', name: 'Rival Patient' },
      text: secretText,
      createdAt: hoursAgo(2),
      permalink: 'https://facebook.com/rival/posts/1',
    },
    {
      channelId: chB.id,
      externalId: 'b-answered',
      kind: 'comment',
      author: { id: 'x2', name: 'Rival Patient Two' },
      text: `${secretText} (second)`,
      createdAt: hoursAgo(30),
    },
    {
      channelId: chB.id,
      externalId: 'b-reply',
      kind: 'reply',
      parentExternalId: 'b-answered',
      threadKey: 'b-answered',
      author: { id: 'page-rival', name: 'Rival' },
      text: 'RIVAL-SECRET reply',
      createdAt: hoursAgo(29),
    },
  ]
  for (const [orgId, items] of [
    [orgA.id, itemsA],
    [orgB.id, itemsB],
  ] as const) {
    const result = await ingest(db, items, {
      organisationId: orgId,
      enricher: testEnricher,
      now: NOW,
    })
    if (result.quarantined)
      throw new Error(`fixtures quarantined: ${JSON.stringify(result.rejected)}`)
  }
  // A permalink that predates validation (an old import): it must never become a link.
  await db
    .updateTable('mentions')
    .set({ permalink: 'javascript:alert(document.cookie)' })
    .where('organisation_id', '=', orgA.id)
    .where('external_id', '=', 'a-xss-img')
    .execute()

  const admin = await createUser(db, {
    organisationId: orgA.id,
    email: 'admin@a.example',
    name: 'Ada Admin',
    password: PASSWORD,
    role: 'agency_admin',
  })
  const manager = await createUser(db, {
    organisationId: orgA.id,
    email: 'manager@a.example',
    name: 'Max Manager',
    password: PASSWORD,
    role: 'practice_manager',
    practiceIds: [p1.id],
  })
  const viewer = await createUser(db, {
    organisationId: orgA.id,
    email: 'viewer@a.example',
    name: 'Vera Viewer',
    password: PASSWORD,
    role: 'viewer',
    practiceIds: [p1.id, p2.id],
  })
  const adminB = await createUser(db, {
    organisationId: orgB.id,
    email: 'admin@b.example',
    name: 'Bea Rival',
    password: PASSWORD,
    role: 'agency_admin',
  })
  const { token } = await createApiToken(
    db,
    {
      organisationId: orgA.id,
      userId: admin.id,
      name: 'tests',
      scopes: ['read', 'write', 'admin'],
    },
    NOW,
  )
  const { token: viewerToken } = await createApiToken(
    db,
    {
      organisationId: orgA.id,
      userId: viewer.id,
      name: 'viewer tests',
      scopes: ['read', 'write'],
    },
    NOW,
  )
  const { token: tokenB } = await createApiToken(
    db,
    {
      organisationId: orgB.id,
      userId: adminB.id,
      name: 'tests b',
      scopes: ['read', 'write'],
    },
    NOW,
  )

  const makeApp = (options: Partial<DashboardOptions> = {}) =>
    createDashboard({ db, now: () => NOW, ...options })
  const idA = (ext: string) => mentionIdOf(db, orgA.id, ext)
  const bIds = await db
    .selectFrom('mentions')
    .select('id')
    .where('organisation_id', '=', orgB.id)
    .execute()
  return {
    db,
    database,
    close,
    app: makeApp(),
    makeApp,
    a: {
      orgId: orgA.id,
      practice1: p1.id,
      practice2: p2.id,
      channel1: ch1.id,
      channel2: ch2.id,
      admin: admin.id,
      manager: manager.id,
      viewer: viewer.id,
      token,
      viewerToken,
    },
    b: {
      orgId: orgB.id,
      practice: pB.id,
      channel: chB.id,
      admin: adminB.id,
      token: tokenB,
      mentionIds: bIds.map((r) => r.id),
      secretText,
      practiceName: 'Rival Dental Secret Clinic',
    },
    mentions: {
      open: await idA('a-open'),
      xssScript: await idA('a-xss-script'),
      xssImg: await idA('a-xss-img'),
      privacy: await idA('a-privacy'),
      answered: await idA('a-answered'),
      reply: await idA('a-reply'),
      thanks: await idA('a-thanks'),
      practice2Open: await idA('a2-open'),
    },
  }
}

/** A browser-like client: keeps cookies, signs in through the form, knows the CSRF token. */
export interface TestClient {
  cookie: string
  csrf: string
  get(path: string, headers?: Record<string, string>): Promise<Response>
  post(
    path: string,
    form: Record<string, string>,
    options?: { csrf?: string | null },
  ): Promise<Response>
  request(path: string, init?: RequestInit): Promise<Response>
}

function cookiesFrom(response: Response): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(';')
    const eq = pair!.indexOf('=')
    out[pair!.slice(0, eq).trim()] = pair!.slice(eq + 1).trim()
  }
  return out
}

/** The value of the first hidden `_csrf` field in a page. */
export function csrfFromHtml(html: string): string {
  const m = /name="_csrf" value="([^"]*)"/.exec(html)
  if (!m) throw new Error('no CSRF field in page')
  return m[1]!
}

/** Signs in through GET/POST /login and returns a client holding the session. */
export async function signIn(
  app: Hono<DashboardEnv>,
  email: string,
  password = PASSWORD,
  headers: Record<string, string> = {},
): Promise<TestClient> {
  const form = await app.request('/login', { headers })
  const loginCookies = cookiesFrom(form)
  const token = csrfFromHtml(await form.text())
  const res = await app.request('/login', {
    method: 'POST',
    headers: {
      ...headers,
      'content-type': 'application/x-www-form-urlencoded',
      cookie: Object.entries(loginCookies)
        .map(([k, v]) => `${k}=${v}`)
        .join('; '),
    },
    body: new URLSearchParams({ _csrf: token, email, password, next: '/' }).toString(),
  })
  if (res.status !== 303) throw new Error(`sign-in failed for ${email}: ${res.status}`)
  const session = cookiesFrom(res).earshot_session
  if (!session) throw new Error('no session cookie')
  const cookie = `earshot_session=${session}`
  const home = await app.request('/', { headers: { cookie } })
  const csrf = csrfFromHtml(await home.text())
  const request = async (path: string, init: RequestInit = {}) =>
    app.request(path, {
      ...init,
      headers: { cookie, ...(init.headers as Record<string, string> | undefined) },
    })
  return {
    cookie,
    csrf,
    request,
    get: (path, h = {}) => request(path, { headers: h }),
    post: (path, body, options = {}) => {
      const token = options.csrf === undefined ? csrf : options.csrf
      const fields = token === null ? body : { _csrf: token, ...body }
      return request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
      })
    },
  }
}

/**
 * Moves back when a client's session last entered the password, as if the sign-in happened
 * `minutesAgo` before the pinned clock, so sensitive actions ask for it again. Sessions made by
 * {@link signIn} are fresh: the sign-in itself counts as entering the password.
 */
export async function ageSessionPassword(
  db: Kysely<Database>,
  client: TestClient,
  minutesAgo: number,
): Promise<void> {
  const sessionId = client.cookie.slice(client.cookie.indexOf('=') + 1)
  await db
    .updateTable('sessions')
    .set({ authenticated_at: new Date(NOW.getTime() - minutesAgo * 60_000) })
    .where('id_hash', '=', sha256Hex(sessionId))
    .execute()
}
