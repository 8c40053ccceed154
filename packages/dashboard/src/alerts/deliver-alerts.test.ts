import {
  createKeyring,
  type EarshotDatabase,
  generateSecretKey,
  parseSecretKey,
} from '@earshot/core'
import { Webhook } from 'standardwebhooks'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createSmtpMailSender } from '../mail/smtp-mail-sender.js'
import {
  type AlertWorld,
  alertTestDatabases,
  createAlertWorld,
} from '../test-support/alert-fixtures.js'
import {
  type FakeAlertServices,
  startFakeAlertServices,
} from '../test-support/fake-alert-services.js'
import { type SmtpTestServer, startSmtpTestServer } from '../test-support/smtp-test-server.js'
import { newWebhookSecret } from './alert-channels.js'
import { createAlertEndpoint, listAlertEndpoints } from './alert-endpoint-store.js'
import { alertsDb } from './alert-tables.js'
import { deliverAlerts } from './deliver-alerts.js'
import { evaluateAlerts } from './evaluate-alerts.js'

// The fake Slack, Teams, Google Chat and webhook servers listen on loopback, which the
// deliverer refuses by default (outbound-url-guard.ts); these tests are the operator who allows it.
vi.stubEnv('EARSHOT_ALLOW_PRIVATE_WEBHOOKS', '1')

const MINUTE = 60_000
// The deliverer gives up on an HTTP attempt after 15 s; a loaded CI machine can take that long
// to answer a loopback request, and these tests are about outcomes, not the time limit.
const NO_HTTP_TIMEOUT = 10 * 60_000
const HOUR = 60 * MINUTE
// Wednesday 2 Dec 2026 11:00 in Sydney (open) and 22:00 (closed).
const OPEN = new Date('2026-12-02T00:00:00Z')
const CLOSED = new Date('2026-12-02T11:00:00Z')
const LONG_AGO = new Date('2026-01-01T00:00:00Z')
const BASE = 'https://earshot.example'
const PATIENT_TEXT = 'urgent 9 weeks pregnant and bleeding'

describe.each(alertTestDatabases())('deliverAlerts ($name)', (target) => {
  let database: EarshotDatabase
  let services: FakeAlertServices
  let smtp: SmtpTestServer
  beforeAll(async () => {
    database = await target.open()
    services = await startFakeAlertServices()
    smtp = await startSmtpTestServer()
  })
  afterAll(async () => {
    await database.close()
    await services.close()
    await smtp.close()
  })

  let endpointCounter = 0
  async function addEndpoint(
    w: AlertWorld,
    e: {
      kind: string
      target: string
      secret?: string
      onCall?: boolean
      digestMinutes?: number
      rules?: string[]
    },
  ): Promise<string> {
    const id = `ep-${++endpointCounter}`
    await alertsDb(database.db)
      .insertInto('alert_endpoints')
      .values({
        organisation_id: w.orgId,
        id,
        practice_id: null,
        kind: e.kind,
        name: e.kind,
        target: e.target,
        secret: e.secret ?? null,
        rules: JSON.stringify(e.rules ?? []),
        on_call: e.onCall ?? false,
        digest_minutes: e.digestMinutes ?? 0,
        created_at: LONG_AGO,
      })
      .execute()
    return id
  }
  const mail = () => createSmtpMailSender({ url: smtp.url, from: 'Earshot <alerts@earshot.test>' })
  const deliveries = (orgId: string) =>
    alertsDb(database.db)
      .selectFrom('alert_deliveries')
      .selectAll()
      .where('organisation_id', '=', orgId)
      .orderBy('endpoint_id')
      .execute()

  it('delivers to every channel, never blocked by a dead one, without patient text in previews', async () => {
    const w = await createAlertWorld(database.db, { createdAt: LONG_AGO })
    await w.post([{ text: PATIENT_TEXT, createdAt: new Date(OPEN.getTime() - 5 * MINUTE) }], OPEN)
    const secret = newWebhookSecret()
    await addEndpoint(w, { kind: 'slack', target: `${services.url}/slack`, rules: ['urgent'] })
    await addEndpoint(w, { kind: 'teams', target: `${services.url}/teams`, rules: ['urgent'] })
    await addEndpoint(w, {
      kind: 'google_chat',
      target: `${services.url}/chat?key=k&token=t`,
      rules: ['urgent'],
    })
    await addEndpoint(w, {
      kind: 'webhook',
      target: `${services.url}/hook`,
      secret,
      rules: ['urgent'],
    })
    await addEndpoint(w, {
      kind: 'webhook',
      target: `${services.url}/gone`,
      secret,
      rules: ['urgent'],
    })
    await addEndpoint(w, { kind: 'slack', target: `${services.url}/drop`, rules: ['urgent'] })
    await addEndpoint(w, { kind: 'email', target: 'manager@clinic.test', rules: ['urgent'] })
    const before = services.received.length
    await evaluateAlerts(database.db, { now: OPEN, organisationId: w.orgId })
    const sender = mail()
    const result = await deliverAlerts(database.db, {
      timeoutMs: NO_HTTP_TIMEOUT,
      now: OPEN,
      baseUrl: BASE,
      organisationId: w.orgId,
      mail: sender,
    })
    await sender.close()
    expect(result).toMatchObject({ sent: 5, dead: 1, failed: 1 })

    const rows = await deliveries(w.orgId)
    expect(rows.map((r) => r.status)).toEqual([
      'sent',
      'sent',
      'sent',
      'sent',
      'dead',
      'failed',
      'sent',
    ])
    expect(rows.every((r) => r.log.length === 1)).toBe(true)
    expect(rows[4]!.response_status).toBe(410)
    expect(rows[5]!.last_error).toMatch(/request failed/)

    const fresh = services.received.slice(before)
    // No patient text anywhere a preview could show it.
    for (const r of fresh) expect(r.body).not.toMatch(/pregnant|bleeding/)
    const slack = JSON.parse(fresh.find((r) => r.path === '/slack')!.body)
    expect(slack.text).toMatch(/Harbour GP: An urgent clinical post needs attention \(due in/)
    expect(slack.text).toContain(`${BASE}/mentions/`)
    const teams = JSON.parse(fresh.find((r) => r.path === '/teams')!.body)
    expect(teams.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive')
    const chat = fresh.find((r) => r.path === '/chat')!
    expect(chat.query.get('requestId')).toMatch(/^al_/)
    expect(chat.query.get('key')).toBe('k')

    const hook = fresh.find((r) => r.path === '/hook')!
    // The library checks the timestamp against its clock: give it the test's.
    vi.useFakeTimers({ toFake: ['Date'], now: OPEN })
    const verify = () =>
      new Webhook(secret).verify(hook.body, {
        'webhook-id': String(hook.headers['webhook-id']),
        'webhook-timestamp': String(hook.headers['webhook-timestamp']),
        'webhook-signature': String(hook.headers['webhook-signature']),
      }) as { type: string; data: { alerts: { mention_id: string }[] } }
    let verified: ReturnType<typeof verify>
    try {
      verified = verify()
      // A tampered body fails verification.
      expect(() =>
        new Webhook(secret).verify(hook.body.replace('urgent', 'privacy'), {
          'webhook-id': String(hook.headers['webhook-id']),
          'webhook-timestamp': String(hook.headers['webhook-timestamp']),
          'webhook-signature': String(hook.headers['webhook-signature']),
        }),
      ).toThrow(/signature/)
    } finally {
      vi.useRealTimers()
    }
    expect(verified.type).toBe('alert.urgent')
    expect(hook.headers['webhook-timestamp']).toBe(String(OPEN.getTime() / 1000))

    const email = await smtp.nextMessage()
    expect(email.envelope.to).toEqual(['manager@clinic.test'])
    expect(email.parsed.subject).toMatch(/^Harbour GP: An urgent clinical post needs attention/)
    expect(email.parsed.subject).not.toMatch(/pregnant|bleeding/)
    expect(email.parsed.text).not.toMatch(/pregnant|bleeding/)
    expect(email.parsed.html).toContain(`href="${BASE}/mentions/`)
    expect(email.parsed.text).toContain('Reply due in')

    // Running again sends nothing new until the dropped endpoint's retry is due.
    const again = await deliverAlerts(database.db, {
      timeoutMs: NO_HTTP_TIMEOUT,
      now: OPEN,
      baseUrl: BASE,
      organisationId: w.orgId,
    })
    expect(again).toEqual({ sent: 0, failed: 0, dead: 0, deferred: 0 })
    const retry = await deliverAlerts(database.db, {
      timeoutMs: NO_HTTP_TIMEOUT,
      now: new Date(OPEN.getTime() + 10_000),
      baseUrl: BASE,
      organisationId: w.orgId,
    })
    expect(retry).toMatchObject({ failed: 1 })
    const dropped = (await deliveries(w.orgId))[5]!
    expect(dropped.attempts).toBe(2)
    expect(new Date(dropped.next_attempt_at).getTime()).toBe(OPEN.getTime() + 10_000 + 5 * MINUTE)
  })

  it('retries a failing endpoint with backoff until it recovers, sending once', async () => {
    const w = await createAlertWorld(database.db, { createdAt: LONG_AGO })
    await w.post([{ text: 'urgent question', createdAt: new Date(OPEN.getTime() - MINUTE) }], OPEN)
    await addEndpoint(w, {
      kind: 'slack',
      target: `${services.url}/flaky?org=${w.orgId}`,
      rules: ['urgent'],
    })
    await evaluateAlerts(database.db, { now: OPEN, organisationId: w.orgId })
    services.failNext(2)
    const at = (ms: number) => new Date(OPEN.getTime() + ms)
    expect(
      await deliverAlerts(database.db, {
        timeoutMs: NO_HTTP_TIMEOUT,
        now: at(0),
        baseUrl: BASE,
        organisationId: w.orgId,
      }),
    ).toMatchObject({ failed: 1 })
    // Not due yet at +4 s; due at +5 s.
    expect(
      await deliverAlerts(database.db, {
        timeoutMs: NO_HTTP_TIMEOUT,
        now: at(4_000),
        baseUrl: BASE,
        organisationId: w.orgId,
      }),
    ).toMatchObject({ failed: 0 })
    expect(
      await deliverAlerts(database.db, {
        timeoutMs: NO_HTTP_TIMEOUT,
        now: at(5_000),
        baseUrl: BASE,
        organisationId: w.orgId,
      }),
    ).toMatchObject({ failed: 1 })
    expect(
      await deliverAlerts(database.db, {
        timeoutMs: NO_HTTP_TIMEOUT,
        now: at(5_000 + 5 * MINUTE),
        baseUrl: BASE,
        organisationId: w.orgId,
      }),
    ).toMatchObject({ sent: 1 })
    expect(
      await deliverAlerts(database.db, {
        timeoutMs: NO_HTTP_TIMEOUT,
        now: at(HOUR),
        baseUrl: BASE,
        organisationId: w.orgId,
      }),
    ).toMatchObject({ sent: 0 })
    const [row] = await deliveries(w.orgId)
    expect(row!.status).toBe('sent')
    expect(row!.log.map((l) => l.ok)).toEqual([false, false, true])
    expect(services.received.filter((r) => r.query.get('org') === w.orgId)).toHaveLength(3)
  })

  it('concurrent deliverers send each alert to each endpoint once', async () => {
    const w = await createAlertWorld(database.db, { createdAt: LONG_AGO })
    await w.post(
      Array.from({ length: 6 }, (_, i) => ({
        text: `urgent ${i}`,
        createdAt: new Date(OPEN.getTime() - (i + 1) * MINUTE),
      })),
      OPEN,
    )
    await addEndpoint(w, {
      kind: 'slack',
      target: `${services.url}/slack?org=${w.orgId}`,
      rules: ['urgent'],
    })
    await addEndpoint(w, {
      kind: 'teams',
      target: `${services.url}/teams?org=${w.orgId}`,
      rules: ['urgent'],
    })
    await evaluateAlerts(database.db, { now: OPEN, organisationId: w.orgId })
    const runs = await Promise.all(
      Array.from({ length: 3 }, () =>
        deliverAlerts(database.db, {
          timeoutMs: NO_HTTP_TIMEOUT,
          now: OPEN,
          baseUrl: BASE,
          organisationId: w.orgId,
        }),
      ),
    )
    expect(runs.reduce((n, r) => n + r.sent, 0)).toBe(12)
    const mine = services.received.filter((r) => r.query.get('org') === w.orgId)
    expect(mine).toHaveLength(12)
  })

  it('quiet hours hold non-urgent alerts until they end; a digest sends one message per window', async () => {
    const w = await createAlertWorld(database.db, { createdAt: LONG_AGO })
    await alertsDb(database.db)
      .insertInto('alert_preferences')
      .values({
        organisation_id: w.orgId,
        practice_id: w.practiceId,
        quiet_start: '21:00',
        quiet_end: '07:00',
        updated_at: LONG_AGO,
      })
      .execute()
    await w.post(
      [
        {
          text: 'awful',
          kind: 'review',
          rating: 1,
          createdAt: new Date(CLOSED.getTime() - 10 * MINUTE),
        },
        {
          text: 'awful again',
          kind: 'review',
          rating: 2,
          createdAt: new Date(CLOSED.getTime() - 5 * MINUTE),
        },
      ],
      CLOSED,
    )
    await addEndpoint(w, {
      kind: 'slack',
      target: `${services.url}/slack?org=${w.orgId}`,
      rules: ['low_rating'],
      digestMinutes: 30,
    })
    await evaluateAlerts(database.db, { now: CLOSED, organisationId: w.orgId })
    const at = (ms: number) => new Date(CLOSED.getTime() + ms)
    // 22:30 Sydney: the digest window is over but quiet hours hold it until 07:00 (20:00Z).
    expect(
      await deliverAlerts(database.db, {
        timeoutMs: NO_HTTP_TIMEOUT,
        now: at(30 * MINUTE),
        baseUrl: BASE,
        organisationId: w.orgId,
      }),
    ).toMatchObject({ deferred: 2 })
    const held = await deliveries(w.orgId)
    expect(held.map((d) => new Date(d.next_attempt_at).toISOString())).toEqual([
      '2026-12-02T20:00:00.000Z',
      '2026-12-02T20:00:00.000Z',
    ])
    expect(
      await deliverAlerts(database.db, {
        timeoutMs: NO_HTTP_TIMEOUT,
        now: new Date('2026-12-02T20:00:00Z'),
        baseUrl: BASE,
        organisationId: w.orgId,
      }),
    ).toMatchObject({ sent: 2 })
    const mine = services.received.filter((r) => r.query.get('org') === w.orgId)
    expect(mine).toHaveLength(1)
    expect(JSON.parse(mine[0]!.body).text).toMatch(/^2 alerts/)
  })

  it('an urgent post out of hours reaches the on-call contact with the safe reply; in hours it does not', async () => {
    const w = await createAlertWorld(database.db, { createdAt: LONG_AGO })
    await alertsDb(database.db)
      .insertInto('alert_preferences')
      .values({
        organisation_id: w.orgId,
        practice_id: w.practiceId,
        include_patient_text: true,
        quiet_start: '21:00',
        quiet_end: '07:00',
        updated_at: LONG_AGO,
      })
      .execute()
    await addEndpoint(w, { kind: 'email', target: 'oncall@clinic.test', onCall: true })
    await addEndpoint(w, {
      kind: 'webhook',
      target: `${services.url}/hook?org=${w.orgId}`,
      secret: newWebhookSecret(),
      onCall: true,
    })
    // In hours: nothing for on-call.
    await w.post([{ text: 'urgent in hours', createdAt: new Date(OPEN.getTime() - MINUTE) }], OPEN)
    await evaluateAlerts(database.db, { now: OPEN, organisationId: w.orgId })
    expect(
      await deliverAlerts(database.db, {
        timeoutMs: NO_HTTP_TIMEOUT,
        now: OPEN,
        baseUrl: BASE,
        organisationId: w.orgId,
      }),
    ).toMatchObject({ sent: 0 })
    // Out of hours (and in quiet hours, which urgent alerts ignore).
    await w.post([{ text: PATIENT_TEXT, createdAt: new Date(CLOSED.getTime() - MINUTE) }], CLOSED)
    await evaluateAlerts(database.db, { now: CLOSED, organisationId: w.orgId })
    const sender = mail()
    expect(
      await deliverAlerts(database.db, {
        timeoutMs: NO_HTTP_TIMEOUT,
        now: CLOSED,
        baseUrl: BASE,
        organisationId: w.orgId,
        mail: sender,
      }),
    ).toMatchObject({ sent: 2 })
    await sender.close()
    const email = await smtp.nextMessage()
    expect(email.envelope.to).toEqual(['oncall@clinic.test'])
    expect(email.parsed.subject).toMatch(/^On call — Harbour GP: An urgent clinical post/)
    // Opted in: the body quotes the post, the subject still never does.
    expect(email.parsed.subject).not.toMatch(/pregnant/)
    expect(email.parsed.text).toContain(PATIENT_TEXT)
    expect(email.parsed.text).toMatch(/If this is an emergency, please call 000 now/)
    const hook = services.received.filter((r) => r.query.get('org') === w.orgId)
    expect(hook).toHaveLength(1)
    expect(JSON.parse(hook[0]!.body).data.alerts[0].safe_reply).toMatch(/call 000/)
  })

  it('keeps webhook URLs and signing secrets sealed at rest and opens them only to deliver', async () => {
    const w = await createAlertWorld(database.db, { createdAt: LONG_AGO })
    const keyring = createKeyring(parseSecretKey(generateSecretKey()))
    const url = `${services.url}/hook?org=${w.orgId}&token=SECRET-TOKEN`
    const created = await createAlertEndpoint(
      database.db,
      {
        organisationId: w.orgId,
        practiceId: null,
        kind: 'webhook',
        name: 'PMS',
        target: url,
        rules: ['urgent'],
      },
      { now: LONG_AGO, keyring },
    )
    expect(created.signingSecret).toMatch(/^whsec_/)
    const stored = await alertsDb(database.db)
      .selectFrom('alert_endpoints')
      .selectAll()
      .where('organisation_id', '=', w.orgId)
      .executeTakeFirstOrThrow()
    expect(stored.target).not.toContain('SECRET-TOKEN')
    expect(stored.secret).not.toContain(created.signingSecret!.slice(6))
    const [summary] = await listAlertEndpoints(database.db, w.orgId, 'all', keyring)
    expect(summary!.display).toBe(
      `${new URL(services.url).protocol}//${new URL(services.url).host}/…`,
    )
    await w.post([{ text: 'urgent please', createdAt: new Date(OPEN.getTime() - MINUTE) }], OPEN)
    await evaluateAlerts(database.db, { now: OPEN, organisationId: w.orgId })
    expect(
      await deliverAlerts(database.db, {
        timeoutMs: NO_HTTP_TIMEOUT,
        now: OPEN,
        baseUrl: BASE,
        organisationId: w.orgId,
        keyring,
      }),
    ).toMatchObject({ sent: 1 })
    const hook = services.received.filter((r) => r.query.get('org') === w.orgId)
    expect(hook).toHaveLength(1)
    expect(hook[0]!.query.get('token')).toBe('SECRET-TOKEN')
  })
})
