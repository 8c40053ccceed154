/**
 * @module Tenant isolation: a user of organisation A walks every route with the ids of
 * organisation B and gets 403/404 and none of B's data; lists that take no id never show B's
 * rows. A guard checks the walk covers every parameterised route the app registers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { alertsDb } from './alerts/alert-tables.js'
import { createSavedReply, listSavedReplies } from './replies/saved-reply-store.js'
import { createSchedule, listSchedules } from './reports/report-schedule-store.js'
import {
  createTestWorld,
  NOW,
  signIn,
  type TestClient,
  type TestWorld,
} from './test-support/test-world.js'

let w: TestWorld
let admin: TestClient
/** Ids of B's rows that no fixture field names (loaded once). */
const bIds = {
  token: '',
  session: '',
  practiceReport: '',
  agencyReport: '',
  savedReply: '',
  savedDefault: '',
}

beforeAll(async () => {
  w = await createTestWorld()
  admin = await signIn(w.app, 'admin@a.example')
  const token = await w.db
    .selectFrom('api_tokens')
    .select('id')
    .where('organisation_id', '=', w.b.orgId)
    .executeTakeFirstOrThrow()
  bIds.token = token.id
  // A signed-in session of B's admin: A must not be able to revoke it.
  await signIn(w.app, 'admin@b.example')
  const session = await w.db
    .selectFrom('sessions')
    .select('public_id')
    .where('organisation_id', '=', w.b.orgId)
    .executeTakeFirstOrThrow()
  bIds.session = session.public_id
  const schedule = {
    frequency: 'weekly' as const,
    day: 1,
    local_time: '08:00',
    time_zone: 'UTC',
    recipients: ['rival@b.example'],
  }
  bIds.practiceReport = (await createSchedule(w.db, w.b.orgId, w.b.practice, schedule, NOW)).id
  bIds.agencyReport = (await createSchedule(w.db, w.b.orgId, null, schedule, NOW)).id
  const saved = { title: 'RIVAL-SECRET template', categories: [], ratings: [] }
  bIds.savedReply = await createSavedReply(
    w.db,
    w.b.orgId,
    { ...saved, practiceId: w.b.practice, body: 'RIVAL-SECRET practice reply' },
    w.b.admin,
    NOW,
  )
  bIds.savedDefault = await createSavedReply(
    w.db,
    w.b.orgId,
    { ...saved, practiceId: null, body: 'RIVAL-SECRET default reply' },
    w.b.admin,
    NOW,
  )
})

afterAll(async () => {
  await w?.close()
})

interface Probe {
  /** The route pattern it exercises, as registered in the app. */
  route: string
  method: 'GET' | 'POST'
  path: string
  body?: Record<string, string> | object
}

function probesForForeignIds(): Probe[] {
  const b = w.b
  const mentionProbes = b.mentionIds.flatMap((id): Probe[] => [
    { route: '/mentions/:mentionId', method: 'GET', path: `/mentions/${id}` },
    {
      route: '/mentions/:mentionId/override',
      method: 'POST',
      path: `/mentions/${id}/override`,
      body: { action: 'no_reply_needed' },
    },
    {
      route: '/mentions/:mentionId/reply',
      method: 'POST',
      path: `/mentions/${id}/reply`,
      body: { text: 'hijacked reply' },
    },
    {
      route: '/mentions/:mentionId/replies/:outboxId/retry',
      method: 'POST',
      path: `/mentions/${id}/replies/no-such-reply/retry`,
      body: {},
    },
    {
      route: '/inbox/bulk',
      method: 'POST',
      path: '/inbox/bulk',
      body: { mention_id: id, action: 'assign', assignee: 'me' },
    },
    {
      route: '/inbox/bulk',
      method: 'POST',
      path: '/inbox/bulk',
      body: { mention_id: id, action: 'no_reply_needed' },
    },
    {
      route: '/inbox/notes',
      method: 'POST',
      path: '/inbox/notes',
      body: { mention_id: id, text: 'hijacked note' },
    },
    { route: '/api/v1/mentions/:mentionId', method: 'GET', path: `/api/v1/mentions/${id}` },
    {
      route: '/api/v1/mentions/:mentionId/overrides',
      method: 'POST',
      path: `/api/v1/mentions/${id}/overrides`,
      body: { action: 'no_reply_needed' },
    },
  ])
  return [
    { route: '/practices/:practiceId', method: 'GET', path: `/practices/${b.practice}` },
    {
      route: '/practices/:practiceId/settings',
      method: 'GET',
      path: `/practices/${b.practice}/settings`,
    },
    {
      route: '/practices/:practiceId/settings/schedule',
      method: 'POST',
      path: `/practices/${b.practice}/settings/schedule`,
      body: { time_zone: 'UTC', weekly_mon: '09:00-10:00' },
    },
    {
      route: '/practices/:practiceId/settings/promise',
      method: 'POST',
      path: `/practices/${b.practice}/settings/promise`,
      body: { target_0_duration: '1 hour', statement: 'hijacked' },
    },
    {
      route: '/practices/:practiceId/report',
      method: 'GET',
      path: `/practices/${b.practice}/report`,
    },
    {
      route: '/practices/:practiceId/connect',
      method: 'GET',
      path: `/practices/${b.practice}/connect`,
    },
    {
      route: '/practices/:practiceId/connect/:provider',
      method: 'POST',
      path: `/practices/${b.practice}/connect/facebook`,
      body: {},
    },
    {
      route: '/channels/:channelId/connect',
      method: 'GET',
      path: `/channels/${b.channel}/connect`,
    },
    {
      route: '/channels/:channelId/connect/:provider',
      method: 'POST',
      path: `/channels/${b.channel}/connect/facebook`,
      body: {},
    },
    {
      route: '/connect/:provider/callback',
      method: 'GET',
      path: '/connect/facebook/callback?code=stolen&state=state-of-b',
    },
    { route: '/connect/pick/:id', method: 'GET', path: '/connect/pick/connection-of-b' },
    {
      route: '/connect/pick/:id',
      method: 'POST',
      path: '/connect/pick/connection-of-b',
      body: { account: `facebook:${b.channel}` },
    },
    { route: '/alerts/:alertId', method: 'GET', path: '/alerts/alert-of-b' },
    {
      route: '/practices/:practiceId/alerts',
      method: 'GET',
      path: `/practices/${b.practice}/alerts`,
    },
    {
      route: '/practices/:practiceId/alerts/rules',
      method: 'POST',
      path: `/practices/${b.practice}/alerts/rules`,
      body: { enabled_urgent: 'on' },
    },
    {
      route: '/practices/:practiceId/alerts/preferences',
      method: 'POST',
      path: `/practices/${b.practice}/alerts/preferences`,
      body: { on_call_email: 'attacker@a.example' },
    },
    {
      route: '/practices/:practiceId/alerts/endpoints',
      method: 'POST',
      path: `/practices/${b.practice}/alerts/endpoints`,
      body: { kind: 'email', name: 'hijack', target: 'attacker@a.example' },
    },
    {
      route: '/practices/:practiceId/alerts/endpoints/:endpointId/delete',
      method: 'POST',
      path: `/practices/${b.practice}/alerts/endpoints/endpoint-of-b/delete`,
      body: {},
    },
    {
      route: '/alerts/settings/endpoints/:endpointId/delete',
      method: 'POST',
      path: '/alerts/settings/endpoints/endpoint-of-b/delete',
      body: {},
    },
    {
      route: '/practices/:practiceId/badge',
      method: 'GET',
      path: `/practices/${b.practice}/badge`,
    },
    {
      route: '/practices/:practiceId/badge',
      method: 'POST',
      path: `/practices/${b.practice}/badge`,
      body: { enabled: 'on' },
    },
    // Public by design once a practice publishes it; B has not, so its ids find nothing.
    { route: '/public/:publicId', method: 'GET', path: `/public/${b.practice}` },
    {
      route: '/public/:publicId/badge.svg',
      method: 'GET',
      path: `/public/${b.practice}/badge.svg`,
    },
    { route: '/inbox', method: 'GET', path: `/inbox?practice=${b.practice}` },
    { route: '/inbox', method: 'GET', path: `/inbox?channel=${b.channel}` },
    { route: '/mentions', method: 'GET', path: `/mentions?practice=${b.practice}` },
    { route: '/mentions', method: 'GET', path: `/mentions?channel=${b.channel}` },
    {
      route: '/exports/mentions.csv',
      method: 'GET',
      path: `/exports/mentions.csv?practice=${b.practice}`,
    },
    {
      route: '/api/v1/practices/:practiceId',
      method: 'GET',
      path: `/api/v1/practices/${b.practice}`,
    },
    {
      route: '/api/v1/practices/:practiceId/metrics',
      method: 'GET',
      path: `/api/v1/practices/${b.practice}/metrics`,
    },
    { route: '/api/v1/inbox', method: 'GET', path: `/api/v1/inbox?practice=${b.practice}` },
    { route: '/api/v1/inbox', method: 'GET', path: `/api/v1/inbox?channel=${b.channel}` },
    { route: '/api/v1/alerts', method: 'GET', path: `/api/v1/alerts?practice=${b.practice}` },
    { route: '/api/v1/mentions', method: 'GET', path: `/api/v1/mentions?practice=${b.practice}` },
    { route: '/api/v1/mentions', method: 'GET', path: `/api/v1/mentions?channel=${b.channel}` },
    {
      route: '/account/sessions/:sessionId/revoke',
      method: 'POST',
      path: `/account/sessions/${bIds.session}/revoke`,
      body: {},
    },
    ...mentionProbes,
    // A bulk action id of anyone else (here: none of A's) cannot be undone.
    { route: '/inbox/undo', method: 'POST', path: '/inbox/undo', body: { bulk_id: 'b-action' } },
    ...setupProbes(),
    ...reportScheduleProbes(),
    ...savedReplyProbes(),
  ]
}

/** Saved replies given B's ids: neither B's practice replies nor B's defaults. */
function savedReplyProbes(): Probe[] {
  const form = { practice_id: w.b.practice, title: 'hijacked', body: 'hijacked', intent: 'save' }
  return [
    {
      route: '/setup/saved-replies',
      method: 'GET',
      path: `/setup/saved-replies?practice=${w.b.practice}`,
    },
    { route: '/setup/saved-replies', method: 'POST', path: '/setup/saved-replies', body: form },
    {
      route: '/api/v1/saved-replies',
      method: 'GET',
      path: `/api/v1/saved-replies?practice=${w.b.practice}`,
    },
    ...w.b.mentionIds.map(
      (id): Probe => ({
        route: '/api/v1/saved-replies',
        method: 'GET',
        path: `/api/v1/saved-replies?mention=${id}`,
      }),
    ),
    ...[bIds.savedReply, bIds.savedDefault].flatMap((id): Probe[] => [
      {
        route: '/setup/saved-replies/:savedReplyId/edit',
        method: 'GET',
        path: `/setup/saved-replies/${id}/edit`,
      },
      {
        route: '/setup/saved-replies/:savedReplyId',
        method: 'POST',
        path: `/setup/saved-replies/${id}`,
        body: { ...form, practice_id: w.a.practice1 },
      },
      {
        route: '/setup/saved-replies/:savedReplyId/delete',
        method: 'POST',
        path: `/setup/saved-replies/${id}/delete`,
        body: {},
      },
    ]),
  ]
}

/** Scheduled-report settings given B's practice and B's schedules. */
function reportScheduleProbes(): Probe[] {
  const b = w.b
  const form = {
    frequency: 'weekly',
    day: '1',
    local_time: '08:00',
    time_zone: 'UTC',
    recipients: 'attacker@a.example',
  }
  return [
    {
      route: '/practices/:practiceId/reports',
      method: 'GET',
      path: `/practices/${b.practice}/reports`,
    },
    {
      route: '/practices/:practiceId/reports',
      method: 'POST',
      path: `/practices/${b.practice}/reports`,
      body: form,
    },
    {
      route: '/practices/:practiceId/reports/:scheduleId/delete',
      method: 'POST',
      path: `/practices/${b.practice}/reports/${bIds.practiceReport}/delete`,
      body: {},
    },
    // A's own practice with B's schedule id: the schedule is not found in A's scope.
    {
      route: '/practices/:practiceId/reports/:scheduleId/delete',
      method: 'POST',
      path: `/practices/${w.a.practice1}/reports/${bIds.practiceReport}/delete`,
      body: {},
    },
    {
      route: '/reports/agency/:scheduleId/delete',
      method: 'POST',
      path: `/reports/agency/${bIds.agencyReport}/delete`,
      body: {},
    },
  ]
}

/** The set-up pages (practices, channels, users, tokens) given B's ids. */
function setupProbes(): Probe[] {
  const b = w.b
  return [
    {
      route: '/setup/practices/:practiceId/delete',
      method: 'GET',
      path: `/setup/practices/${b.practice}/delete`,
    },
    {
      route: '/setup/practices/:practiceId/delete',
      method: 'POST',
      path: `/setup/practices/${b.practice}/delete`,
      body: { confirm: b.practiceName },
    },
    {
      route: '/setup/practices/:practiceId/edit',
      method: 'GET',
      path: `/setup/practices/${b.practice}/edit`,
    },
    {
      route: '/setup/practices/:practiceId',
      method: 'POST',
      path: `/setup/practices/${b.practice}`,
      body: {
        name: 'hijacked',
        time_zone: 'UTC',
        hours: 'mon 09:00-10:00',
        promise: '1 hour',
        intent: 'save',
      },
    },
    { route: '/setup/channels', method: 'GET', path: `/setup/channels?practice=${b.practice}` },
    {
      route: '/setup/channels',
      method: 'POST',
      path: '/setup/channels',
      body: { practice: b.practice, platform: 'rss', name: 'hijack', url: 'https://x.example/f' },
    },
    { route: '/setup/channels/:channelId', method: 'GET', path: `/setup/channels/${b.channel}` },
    {
      route: '/setup/channels/:channelId/token',
      method: 'POST',
      path: `/setup/channels/${b.channel}/token`,
      body: { token: 'hijacked-token' },
    },
    {
      route: '/setup/channels/:channelId/status',
      method: 'POST',
      path: `/setup/channels/${b.channel}/status`,
      body: { status: 'paused' },
    },
    {
      route: '/setup/channels/:channelId/settings',
      method: 'POST',
      path: `/setup/channels/${b.channel}/settings`,
      body: { name: 'hijacked', poll: '1', rotate: 'verifyToken' },
    },
    {
      route: '/setup/channels/:channelId/delete',
      method: 'POST',
      path: `/setup/channels/${b.channel}/delete`,
      body: {},
    },
    {
      route: '/setup/users/:userId',
      method: 'POST',
      path: `/setup/users/${b.admin}`,
      body: { role: 'viewer', practices: w.a.practice1 },
    },
    {
      route: '/setup/users/:userId/remove',
      method: 'POST',
      path: `/setup/users/${b.admin}/remove`,
      body: {},
    },
    {
      route: '/setup/users/:userId/resend',
      method: 'POST',
      path: `/setup/users/${b.admin}/resend`,
      body: {},
    },
    {
      route: '/setup/tokens/:tokenId/revoke',
      method: 'POST',
      path: `/setup/tokens/${bIds.token}/revoke`,
      body: {},
    },
  ]
}

async function send(probe: Probe, via: 'session' | 'token'): Promise<Response> {
  const isApi = probe.path.startsWith('/api/')
  if (via === 'token') {
    const headers: Record<string, string> = { authorization: `Bearer ${w.a.token}` }
    if (probe.method === 'GET') return w.app.request(probe.path, { headers })
    return w.app.request(probe.path, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(probe.body ?? {}),
    })
  }
  if (probe.method === 'GET') return admin.get(probe.path)
  if (isApi)
    return admin.request(probe.path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': admin.csrf },
      body: JSON.stringify(probe.body ?? {}),
    })
  return admin.post(probe.path, probe.body as Record<string, string>)
}

function expectNoForeignData(body: string, where: string): void {
  expect(body, where).not.toContain('RIVAL-SECRET')
  expect(body, where).not.toContain(w.b.practiceName)
  expect(body, where).not.toContain('Rival Patient')
  for (const id of [w.b.practice, w.b.channel, ...w.b.mentionIds])
    expect(body, `${where} leaks ${id}`).not.toContain(id)
}

describe('tenant isolation', () => {
  it('answers 403/404 with no data of organisation B on every route given B ids (session)', async () => {
    for (const probe of probesForForeignIds()) {
      const res = await send(probe, 'session')
      const where = `${probe.method} ${probe.path}`
      expect([403, 404], `${where} → ${res.status}`).toContain(res.status)
      expectNoForeignData(await res.text(), where)
    }
  })

  it('answers 403/404 with no data of organisation B on every route given B ids (API token)', async () => {
    for (const probe of probesForForeignIds()) {
      const res = await send(probe, 'token')
      const where = `${probe.method} ${probe.path} (token)`
      expect([403, 404], `${where} → ${res.status}`).toContain(res.status)
      expectNoForeignData(await res.text(), where)
    }
  })

  it('lets a viewer of A neither send nor retry a reply to the mentions of A, nor assign them', async () => {
    const viewer = await signIn(w.app, 'viewer@a.example')
    const send = await viewer.post(`/mentions/${w.mentions.open}/reply`, { text: 'hello' })
    expect(send.status).toBe(403)
    const retry = await viewer.post(`/mentions/${w.mentions.open}/replies/x/retry`, {})
    expect(retry.status).toBe(403)
    const assign = await viewer.post('/inbox/bulk', {
      mention_id: w.mentions.open,
      action: 'assign',
      assignee: 'me',
    })
    expect(assign.status).toBe(403)
  })

  it('erases and retains only within the signed-in organisation', async () => {
    // x1 wrote B's open mention; A's admin asking to erase x1 finds nothing of theirs.
    const erase = await admin.post('/settings/privacy/erase', {
      platform: 'facebook',
      author: 'x1',
      mode: 'erase',
    })
    expect(erase.status).toBe(200)
    expectNoForeignData(await erase.text(), 'POST /settings/privacy/erase')
    const saved = await admin.post('/settings/privacy', { mention_retention_months: '1' })
    expect(saved.status).toBe(303)
    const bMentions = await w.db
      .selectFrom('mentions')
      .select('id')
      .where('organisation_id', '=', w.b.orgId)
      .execute()
    expect(bMentions).toHaveLength(w.b.mentionIds.length)
    const bPrivacy = await w.db
      .selectFrom('privacy_settings')
      .select('organisation_id')
      .where('organisation_id', '=', w.b.orgId)
      .union(
        w.db
          .selectFrom('erasure_records')
          .select('organisation_id')
          .where('organisation_id', '=', w.b.orgId),
      )
      .execute()
    expect(bPrivacy).toEqual([])
  })

  it('changed nothing of organisation B', async () => {
    const sessions = await w.db
      .selectFrom('sessions')
      .select('public_id')
      .where('organisation_id', '=', w.b.orgId)
      .execute()
    expect(sessions.map((s) => s.public_id)).toContain(bIds.session)
    const replies = await w.db
      .selectFrom('reply_outbox')
      .select('id')
      .where('organisation_id', '=', w.b.orgId)
      .execute()
    expect(replies).toHaveLength(0)
    const overrides = await w.db
      .selectFrom('overrides')
      .select('id')
      .where('organisation_id', '=', w.b.orgId)
      .execute()
    expect(overrides).toHaveLength(0)
    const assignments = await w.db
      .selectFrom('inbox_assignments')
      .select('mention_id')
      .where('organisation_id', '=', w.b.orgId)
      .execute()
    expect(assignments).toHaveLength(0)
    const notes = await w.db
      .withTables<{ inbox_notes: { organisation_id: string; id: string } }>()
      .selectFrom('inbox_notes')
      .select('id')
      .where('organisation_id', '=', w.b.orgId)
      .execute()
    expect(notes).toHaveLength(0)
    const alertSettings = await alertsDb(w.db)
      .selectFrom('alert_endpoints')
      .select('id')
      .where('organisation_id', '=', w.b.orgId)
      .union(
        alertsDb(w.db)
          .selectFrom('alert_rules')
          .select('id')
          .where('organisation_id', '=', w.b.orgId),
      )
      .execute()
    expect(alertSettings).toHaveLength(0)
    const badges = await w.db
      .withTables<{ public_badges: { organisation_id: string; practice_id: string } }>()
      .selectFrom('public_badges')
      .select('practice_id')
      .where('organisation_id', '=', w.b.orgId)
      .execute()
    expect(badges).toHaveLength(0)
    const versions = await w.db
      .selectFrom('schedules')
      .select('version')
      .where('organisation_id', '=', w.b.orgId)
      .execute()
    expect(versions).toHaveLength(1)
    const promises = await w.db
      .selectFrom('promises')
      .select('version')
      .where('organisation_id', '=', w.b.orgId)
      .execute()
    expect(promises).toHaveLength(1)
    const tokens = await w.db
      .selectFrom('api_tokens')
      .select('id')
      .where('organisation_id', '=', w.b.orgId)
      .execute()
    expect(tokens.map((t) => t.id)).toEqual([bIds.token])
    const users = await w.db
      .selectFrom('users')
      .select(['id', 'role'])
      .where('organisation_id', '=', w.b.orgId)
      .execute()
    expect(users).toEqual([{ id: w.b.admin, role: 'agency_admin' }])
    const channels = await w.db
      .selectFrom('channels')
      .select(['id', 'status'])
      .where('organisation_id', '=', w.b.orgId)
      .execute()
    expect(channels).toEqual([{ id: w.b.channel, status: 'active' }])
    const credentials = await w.db
      .selectFrom('channel_credentials')
      .select('channel_id')
      .where('organisation_id', '=', w.b.orgId)
      .execute()
    expect(credentials).toHaveLength(0)
    const names = await w.db
      .selectFrom('practices')
      .select('name')
      .where('organisation_id', '=', w.b.orgId)
      .execute()
    expect(names.map((n) => n.name)).toEqual([w.b.practiceName])
    expect((await listSchedules(w.db, w.b.orgId, w.b.practice)).map((r) => r.id)).toEqual([
      bIds.practiceReport,
    ])
    expect((await listSchedules(w.db, w.b.orgId, null)).map((r) => r.id)).toEqual([
      bIds.agencyReport,
    ])
    const saved = await listSavedReplies(w.db, w.b.orgId, [w.b.practice])
    expect(saved.map((r) => [r.id, r.body]).sort()).toEqual(
      [
        [bIds.savedReply, 'RIVAL-SECRET practice reply'],
        [bIds.savedDefault, 'RIVAL-SECRET default reply'],
      ].sort(),
    )
    const ownSaved = await listSavedReplies(w.db, w.a.orgId, [w.a.practice1, w.a.practice2])
    expect(ownSaved).toHaveLength(0)
  })

  it("never offers or fills in B's saved replies in A's composer", async () => {
    for (const id of [bIds.savedReply, bIds.savedDefault]) {
      const res = await admin.get(`/mentions/${w.mentions.open}?saved=${id}`)
      expect(res.status).toBe(200)
      expectNoForeignData(await res.text(), `saved=${id}`)
    }
  })

  it('never lists B rows on pages and API lists that take no id', async () => {
    const paths = [
      '/',
      '/inbox',
      '/mentions',
      '/mentions?q=RIVAL',
      '/exports',
      '/exports/mentions.csv',
      '/exports/aggregate.csv',
      '/settings',
      '/account/security',
      '/setup',
      '/setup/practices',
      '/setup/tokens',
      '/setup/users',
      '/setup/channels',
      '/setup/saved-replies',
      '/alerts',
      '/alerts/unread.json',
      '/alerts/settings',
      '/settings/privacy',
      '/reports/agency',
      '/api/v1/practices',
      '/api/v1/ranking',
      '/api/v1/inbox',
      '/api/v1/saved-replies',
      '/api/v1/mentions',
      '/api/v1/mentions?q=RIVAL',
    ]
    for (const path of paths) {
      const res = await admin.get(path)
      expect(res.status, path).toBe(200)
      expectNoForeignData(await res.text(), path)
    }
    const search = await (await admin.get('/api/v1/mentions?q=RIVAL')).json()
    expect(search.total).toBe(0)
  })

  it('covers every parameterised route the app registers', () => {
    const covered = new Set(probesForForeignIds().map((p) => `${p.method} ${p.route}`))
    const routes = w.app.routes.filter(
      (r) =>
        r.path.includes('/:') &&
        !r.path.startsWith('/hooks/') &&
        !r.path.startsWith('/assets/') &&
        r.method !== 'ALL',
    )
    expect(routes.length).toBeGreaterThan(8)
    for (const r of routes)
      expect(covered, `${r.method} ${r.path} is not probed`).toContain(`${r.method} ${r.path}`)
  })
})
