/**
 * Invitations and password resets end to end over a real SMTP server process on loopback: the
 * test reads the mail back, follows its link, sets a password and signs in with it.
 */
import type { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DashboardEnv } from '../../http/dashboard-env.js'
import { createSmtpMailSender } from '../../mail/smtp-mail-sender.js'
import {
  type ReceivedMail,
  type SmtpTestServer,
  startSmtpTestServer,
} from '../../test-support/smtp-test-server.js'
import {
  createTestWorld,
  NOW,
  signIn,
  type TestClient,
  type TestWorld,
} from '../../test-support/test-world.js'

let w: TestWorld
let smtp: SmtpTestServer
let app: Hono<DashboardEnv>
let admin: TestClient
let clock = NOW
const mailer = () =>
  createSmtpMailSender({ url: smtp.url, from: 'Earshot <earshot@clinic.example>' })
let sender: ReturnType<typeof mailer>

beforeAll(async () => {
  w = await createTestWorld()
  smtp = await startSmtpTestServer()
  sender = mailer()
  app = w.makeApp({ mail: sender, publicUrl: 'https://earshot.clinic.example', now: () => clock })
  admin = await signIn(app, 'admin@a.example')
})
afterAll(async () => {
  await sender?.close()
  await smtp?.close()
  await w?.close()
})

/** The link in a mail, as a path on the app (the public URL's origin stripped). */
function linkIn(mail: ReceivedMail): string {
  const m = /https:\/\/earshot\.clinic\.example(\/account\/password\?token=[\w%-]+)/.exec(
    mail.parsed.text ?? '',
  )
  if (!m) throw new Error(`no link in: ${mail.parsed.text}`)
  return m[1]!
}

async function post(path: string, form: Record<string, string>): Promise<Response> {
  return app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  })
}

const tokenOf = (path: string) => decodeURIComponent(path.split('token=')[1]!)

describe('inviting a user', () => {
  it('mails a link that sets the password once; the new user signs in with it', async () => {
    const res = await admin.post('/setup/users', {
      email: 'nina@a.example',
      name: 'Nina Nurse',
      role: 'practice_manager',
      practices: w.a.practice1,
    })
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('Invitation mailed to nina@a.example')
    const mail = await smtp.nextMessage()
    expect(mail.envelope.to).toEqual(['nina@a.example'])
    expect(mail.parsed.subject).toBe('You are invited to Earshot (Harbour Health Agency)')
    expect(mail.parsed.text).toContain('Ada Admin invited you')
    const link = linkIn(mail)
    // Only a digest of the link's secret is stored.
    const stored = await w.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'nina@a.example')
      .executeTakeFirstOrThrow()
    const raw = JSON.stringify(
      await w.db
        .withTables<{ account_links: { token_hash: string; user_id: string } }>()
        .selectFrom('account_links')
        .selectAll()
        .where('user_id', '=', stored.id)
        .execute(),
    )
    expect(raw).not.toContain(tokenOf(link))

    const page = await app.request(link)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('Welcome, Nina Nurse')
    const weak = await post('/account/password', {
      token: tokenOf(link),
      password: 'short',
      confirm: 'short',
    })
    expect(weak.status).toBe(400)
    const differ = await post('/account/password', {
      token: tokenOf(link),
      password: 'plum tractor moonlight',
      confirm: 'plum tractor moonlit',
    })
    expect(differ.status).toBe(400)
    expect(await differ.text()).toContain('The two passwords differ')
    const set = await post('/account/password', {
      token: tokenOf(link),
      password: 'plum tractor moonlight',
      confirm: 'plum tractor moonlight',
    })
    expect(set.status).toBe(200)
    expect(await set.text()).toContain('Your password is set')

    const nina = await signIn(app, 'nina@a.example', 'plum tractor moonlight')
    const inbox = await nina.get('/inbox')
    expect(inbox.status).toBe(200)
    // A manager of practice 1 only.
    expect((await nina.get(`/practices/${w.a.practice2}`)).status).toBe(404)

    const again = await post('/account/password', {
      token: tokenOf(link),
      password: 'another long passphrase',
      confirm: 'another long passphrase',
    })
    expect(again.status).toBe(410)
    expect(await again.text()).toContain('already used')
    const logged = await w.db
      .selectFrom('user_actions')
      .select(['action', 'user_id'])
      .where('target_id', '=', stored.id)
      .execute()
    expect(logged).toContainEqual({ action: 'user.invited', user_id: w.a.admin })
  })

  it('refuses an invitation link after it expired (7 days on the injected clock)', async () => {
    await admin.post('/setup/users', {
      email: 'late@a.example',
      name: 'Late Larry',
      role: 'viewer',
      practices: w.a.practice1,
    })
    const link = linkIn(await smtp.nextMessage())
    clock = new Date(NOW.getTime() + 7 * 24 * 3600 * 1000 + 1000)
    try {
      const page = await app.request(link)
      expect(page.status).toBe(410)
      expect(await page.text()).toContain('This link has expired')
      const set = await post('/account/password', {
        token: tokenOf(link),
        password: 'plum tractor moonlight',
        confirm: 'plum tractor moonlight',
      })
      expect(set.status).toBe(410)
    } finally {
      clock = NOW
    }
    // Back on the pinned clock the link is still open; a week on, the list says it expired.
    expect(await (await admin.get('/setup/users')).text()).toContain('invited, until')
  })

  it('resending voids the old link', async () => {
    await admin.post('/setup/users', {
      email: 'resend@a.example',
      name: 'Rita Resend',
      role: 'viewer',
      practices: w.a.practice1,
    })
    const first = linkIn(await smtp.nextMessage())
    const user = await w.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'resend@a.example')
      .executeTakeFirstOrThrow()
    expect((await admin.post(`/setup/users/${user.id}/resend`, {})).status).toBe(200)
    const second = linkIn(await smtp.nextMessage())
    expect(second).not.toBe(first)
    expect((await app.request(first)).status).toBe(410)
    expect((await app.request(second)).status).toBe(200)
  })

  it('keeps the form and names the problem for a bad or duplicate invitation', async () => {
    const bad = await admin.post('/setup/users', {
      email: 'not-an-email',
      name: '',
      role: 'viewer',
      practices: w.a.practice1,
    })
    expect(bad.status).toBe(400)
    const html = await bad.text()
    expect(html).toContain('type an e-mail address')
    expect(html).toContain('value="not-an-email"')
    const noPractice = await admin.post('/setup/users', {
      email: 'np@a.example',
      name: 'No Practice',
      role: 'viewer',
    })
    expect(noPractice.status).toBe(400)
    expect(await noPractice.text()).toContain('needs at least one practice')
    const duplicate = await admin.post('/setup/users', {
      email: 'manager@a.example',
      name: 'Dup',
      role: 'viewer',
      practices: w.a.practice1,
    })
    expect(duplicate.status).toBe(400)
    expect(await duplicate.text()).toContain('already exists')
    const foreign = await admin.post('/setup/users', {
      email: 'x@a.example',
      name: 'X',
      role: 'viewer',
      practices: w.b.practice,
    })
    expect(foreign.status).toBe(400)
  })

  it('shows the link to copy when no mail server is configured', async () => {
    const noMail = w.makeApp({ publicUrl: 'https://earshot.clinic.example' })
    const a = await signIn(noMail, 'admin@a.example')
    const res = await a.post('/setup/users', {
      email: 'copy@a.example',
      name: 'Copy Carl',
      role: 'viewer',
      practices: w.a.practice1,
    })
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('no mail server is configured')
    expect(html).toMatch(/https:\/\/earshot\.clinic\.example\/account\/password\?token=/)
  })

  it('lets only agency admins see and change users', async () => {
    const manager = await signIn(app, 'manager@a.example')
    expect((await manager.get('/setup/users')).status).toBe(403)
    expect(
      (
        await manager.post('/setup/users', {
          email: 'm@a.example',
          name: 'M',
          role: 'agency_admin',
        })
      ).status,
    ).toBe(403)
    expect((await manager.post(`/setup/users/${w.a.viewer}/remove`, {})).status).toBe(403)
  })

  it('changes a role, removes a user, and always keeps one agency admin', async () => {
    const res = await admin.post(`/setup/users/${w.a.viewer}`, {
      role: 'practice_manager',
      practices: w.a.practice2,
    })
    expect(res.status).toBe(303)
    const viewer = await w.db
      .selectFrom('users')
      .select(['role', 'practice_ids'])
      .where('id', '=', w.a.viewer)
      .executeTakeFirstOrThrow()
    expect(viewer).toEqual({ role: 'practice_manager', practice_ids: [w.a.practice2] })
    expect(
      (await admin.post(`/setup/users/${w.a.admin}`, { role: 'viewer', practices: w.a.practice1 }))
        .status,
    ).toBe(400)
    expect((await admin.post(`/setup/users/${w.a.admin}/remove`, {})).status).toBe(400)
    const larry = await w.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'late@a.example')
      .executeTakeFirstOrThrow()
    expect((await admin.post(`/setup/users/${larry.id}/remove`, {})).status).toBe(303)
    expect(
      await w.db.selectFrom('users').select('id').where('id', '=', larry.id).executeTakeFirst(),
    ).toBeUndefined()
  })
})

describe('forgot password', () => {
  const answer = (html: string, email: string) => html.replaceAll(email, 'EMAIL')

  it('mails a reset link, sets the new password and ends old sessions', async () => {
    const before = await signIn(app, 'manager@a.example')
    const res = await post('/account/forgot', { email: 'Manager@A.example' })
    expect(res.status).toBe(200)
    const mail = await smtp.nextMessage()
    expect(mail.envelope.to).toEqual(['manager@a.example'])
    expect(mail.parsed.subject).toBe('Reset your Earshot password')
    const link = linkIn(mail)
    const set = await post('/account/password', {
      token: tokenOf(link),
      password: 'violet harbour lantern',
      confirm: 'violet harbour lantern',
    })
    expect(set.status).toBe(200)
    expect((await before.get('/inbox')).status).toBe(303)
    await signIn(app, 'manager@a.example', 'violet harbour lantern')
  })

  it('answers the same for an unknown e-mail and sends nothing', async () => {
    const sentBefore = smtp.received.length
    const unknown = await post('/account/forgot', { email: 'nobody@nowhere.example' })
    const known = await post('/account/forgot', { email: 'viewer@a.example' })
    expect(unknown.status).toBe(known.status)
    expect(answer(await unknown.text(), 'nobody@nowhere.example')).toBe(
      answer(await known.text(), 'viewer@a.example'),
    )
    const next = await smtp.nextMessage()
    expect(next.envelope.to).toEqual(['viewer@a.example'])
    expect(smtp.received.length).toBe(sentBefore + 1)
  })

  it('refuses a reset link after an hour', async () => {
    await post('/account/forgot', { email: 'admin@a.example' })
    const link = linkIn(await smtp.nextMessage())
    clock = new Date(NOW.getTime() + 3600 * 1000)
    try {
      expect((await app.request(link)).status).toBe(410)
    } finally {
      clock = NOW
    }
  })

  it('rate limits requests for one e-mail', async () => {
    const email = 'limited@nowhere.example'
    for (let i = 0; i < 3; i++) expect((await post('/account/forgot', { email })).status).toBe(200)
    const limited = await post('/account/forgot', { email })
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBeTruthy()
  })

  it('asks again for something that is not an e-mail, without a server error', async () => {
    expect((await post('/account/forgot', { email: 'nope' })).status).toBe(400)
    expect(
      (await post('/account/password', { token: 'x'.repeat(500), password: 'a', confirm: 'b' }))
        .status,
    ).toBe(410)
    expect(
      (
        await post('/account/password', {
          token: 'x'.repeat(500),
          password: 'plum tractor moonlight',
          confirm: 'plum tractor moonlight',
        })
      ).status,
    ).toBe(410)
    expect((await app.request('/account/password')).status).toBe(410)
  })
})
