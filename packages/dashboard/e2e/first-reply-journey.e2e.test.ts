/**
 * The whole way from an invitation to a first reply, in one headless Chromium session and
 * nothing but the pages a new user sees: an admin invites a colleague (the mail goes through a
 * real SMTP server process and the link is read from it), the colleague sets a password,
 * creates a practice with the form, connects a Facebook Page through the fake Facebook Login,
 * a signed comment webhook arrives at the real `/hooks/facebook` route and shows in the open
 * inbox without a reload, the reply lint blocks a reply that confirms a patient relationship,
 * the fixed reply goes to the fake Graph API, and the item leaves the inbox as met.
 *
 * The dashboard's clock is pinned (a Wednesday morning in Sydney, inside opening hours), so the
 * SLA statuses are the same on every run; every wait is for a condition, never for a time.
 */
import { createHmac, randomInt } from 'node:crypto'
import { handleWebhook } from '@earshot/collectors'
import { type FakeFacebookLogin, startFakeFacebookLogin } from '@earshot/collectors/testing'
import {
  configureKeyring,
  createOrganisation,
  type EarshotDatabase,
  generateSecretKey,
  openDatabase,
} from '@earshot/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDashboard } from '../src/app.js'
import { createUser } from '../src/auth/create-user.js'
import {
  type ConnectFlows,
  connectFlowsFromEnv,
  connectRedirectUri,
} from '../src/connect/connect-config.js'
import { createSmtpMailSender } from '../src/mail/smtp-mail-sender.js'
import { type RunningServer, startServer } from '../src/server.js'
import { type SmtpTestServer, startSmtpTestServer } from '../src/test-support/smtp-test-server.js'
import { chromiumAvailable, launchBrowser, screenshot, type TestBrowser } from './browser.js'

/** Wednesday 2 December 2026, 10:00 in Sydney (AEDT, UTC+11): the practice is open. */
const NOW = new Date('2026-12-01T23:00:00Z')
const APP_SECRET = 'journey-app-secret'
// Unique per run: a PostgreSQL server is shared with other test files (and earlier runs).
const RUN = String(randomInt(1e9, 1e10))
const PAGE_ID = `10485${RUN}`
const COMMENT_ID = `${PAGE_ID}_900000000000001`
const ADMIN = { email: `olive.${RUN}@smile.example`, password: 'first reply journey 2026' }
const INVITEE = {
  email: `nadia.${RUN}@smile.example`,
  name: 'Nadia Nguyen',
  password: 'nadia sets 2026',
}
const NO_TIME_LIMITS = { statementTimeoutMs: 0, acquireTimeoutMs: 0 }
/** PGlite always; the PostgreSQL server in EARSHOT_TEST_DATABASE_URL as well when set. */
const DATABASES: Array<{ name: string; open: () => Promise<EarshotDatabase> }> = [
  { name: 'pglite', open: () => openDatabase() },
  ...(process.env.EARSHOT_TEST_DATABASE_URL?.trim()
    ? [
        {
          name: 'postgres',
          open: () =>
            openDatabase({
              url: process.env.EARSHOT_TEST_DATABASE_URL!.trim(),
              poolSize: 4,
              ...NO_TIME_LIMITS,
            }),
        },
      ]
    : []),
]
const COMMENT = 'Hi! Can I move my check-up with Dr Lee to Friday afternoon?'
const LINTED = 'Hi, as our patient you can of course move your check-up, see you Friday!'
const FIXED = 'Hi, thanks for getting in touch! Please call us and we will find a Friday slot.'

describe.runIf(chromiumAvailable).each(DATABASES)(
  'from an invitation to the first reply, in Chromium ($name)',
  (store) => {
    let database: EarshotDatabase
    let server: RunningServer
    let browser: TestBrowser
    let facebook: FakeFacebookLogin
    let smtp: SmtpTestServer
    const connect: ConnectFlows = {}
    let organisationId: string
    const savedSecret = process.env.EARSHOT_FACEBOOK_APP_SECRET

    beforeAll(async () => {
      configureKeyring({ env: { EARSHOT_SECRET_KEY: generateSecretKey() } })
      // Connected channels name their app secret as env:EARSHOT_FACEBOOK_APP_SECRET, as in `serve`.
      process.env.EARSHOT_FACEBOOK_APP_SECRET = APP_SECRET
      database = await store.open()
      const org = await createOrganisation(database.db, { name: 'Smile Dental Group' })
      organisationId = org.id
      // The one account `earshot user add` would make on a fresh install: no practice yet.
      await createUser(database.db, {
        organisationId: org.id,
        email: ADMIN.email,
        name: 'Olive Owner',
        password: ADMIN.password,
        role: 'agency_admin',
      })
      smtp = await startSmtpTestServer()
      const now = () => NOW
      // Links in mail name the server's own address, known once it listens: the app is built then.
      let dashboard: ReturnType<typeof createDashboard> | undefined
      server = await startServer({
        app: { fetch: (request: Request, env: never) => dashboard!.fetch(request, env) },
        port: 0,
        handleSignals: false,
      })
      dashboard = createDashboard({
        db: database.db,
        now,
        connect,
        publicUrl: server.url,
        mail: createSmtpMailSender({ url: smtp.url, from: 'Earshot <earshot@smile.example>' }),
        // The real webhook route and handler, on the pinned clock.
        webhookHandler: (db, platform, channelId, request) =>
          handleWebhook(db, platform, channelId, request, { ingest: { now: now() } }),
        inboxEvents: { pollMs: 200 },
      })
      facebook = await startFakeFacebookLogin({
        client: {
          clientId: 'journey-app',
          clientSecret: APP_SECRET,
          redirectUris: [connectRedirectUri(server.url, 'facebook')],
        },
        now,
        pages: [{ id: PAGE_ID, name: 'Smile Dental Bondi' }],
      })
      Object.assign(
        connect,
        connectFlowsFromEnv({
          EARSHOT_PUBLIC_URL: server.url,
          EARSHOT_FACEBOOK_APP_ID: 'journey-app',
          EARSHOT_FACEBOOK_APP_SECRET: APP_SECRET,
          EARSHOT_FACEBOOK_DIALOG_URL: facebook.url,
          EARSHOT_FACEBOOK_GRAPH_URL: facebook.url,
        }),
      )
      browser = await launchBrowser()
    })

    afterAll(async () => {
      await browser?.close()
      await server?.close()
      await facebook?.close()
      await smtp?.close()
      await database?.close()
      if (savedSecret === undefined) delete process.env.EARSHOT_FACEBOOK_APP_SECRET
      else process.env.EARSHOT_FACEBOOK_APP_SECRET = savedSecret
    })

    async function signIn(email: string, password: string) {
      const { page } = browser
      await page.goto(`${server.url}/login`)
      await page.fill('input[name=email]', email)
      await page.fill('input[name=password]', password)
      await Promise.all([page.waitForURL(`${server.url}/`), page.click('button[type=submit]')])
    }

    async function signOut() {
      const { page } = browser
      await Promise.all([
        page.waitForURL(/\/login/),
        page.getByRole('button', { name: 'Sign out' }).click(),
      ])
    }

    /** Posts a Page webhook to the real route, signed the way Meta signs it. */
    async function deliverComment(): Promise<Response> {
      const body = JSON.stringify({
        object: 'page',
        entry: [
          {
            id: PAGE_ID,
            time: Math.floor(NOW.getTime() / 1000),
            changes: [
              {
                field: 'feed',
                value: {
                  item: 'comment',
                  verb: 'add',
                  comment_id: COMMENT_ID,
                  post_id: `${PAGE_ID}_800000000000001`,
                  parent_id: `${PAGE_ID}_800000000000001`,
                  from: { id: '6100000000000042', name: 'Pat Example' },
                  message: COMMENT,
                  // Five minutes before the pinned now: due at 12:05 Sydney time.
                  created_time: Math.floor(NOW.getTime() / 1000) - 300,
                },
              },
            ],
          },
        ],
      })
      const signature = `sha256=${createHmac('sha256', APP_SECRET).update(body).digest('hex')}`
      return fetch(`${server.url}/hooks/facebook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
        body,
      })
    }

    it('invite → password → practice → Facebook Page → live comment → linted reply → met', async () => {
      const { page } = browser

      // 1. The admin invites a colleague; the invitation goes out by mail.
      await signIn(ADMIN.email, ADMIN.password)
      await page.goto(`${server.url}/setup/users`)
      const invite = page.locator('form[action="/setup/users"]')
      await invite.getByLabel('E-mail').fill(INVITEE.email)
      await invite.getByLabel('Name', { exact: true }).fill(INVITEE.name)
      await invite.getByLabel('Role').selectOption('agency_admin')
      await invite.getByRole('button', { name: 'Send invitation' }).click()
      await page.getByText(`Invitation mailed to ${INVITEE.email}`).waitFor()
      const mail = await smtp.nextMessage()
      expect(mail.envelope.to).toEqual([INVITEE.email])
      const link = /https?:\/\/\S+\/account\/password\?token=[\w-]+/.exec(
        mail.parsed.text ?? '',
      )?.[0]
      expect(link, 'the invitation mail holds the link').toBeDefined()
      expect(link!.startsWith(server.url)).toBe(true)
      await signOut()

      // 2. The invitee opens the link and chooses a password, then signs in with it.
      await page.goto(link!)
      await page.locator('input[name=password]').fill(INVITEE.password)
      await page.locator('input[name=confirm]').fill(INVITEE.password)
      await page.getByRole('button', { name: 'Set password' }).click()
      await page.getByText('Your password is set').waitFor()
      await signIn(INVITEE.email, INVITEE.password)

      // 3. A practice through the form: time zone, hours and the promise as text.
      await page.goto(`${server.url}/setup/practices/new`)
      await page.getByLabel('Name', { exact: true }).fill('Smile Dental Bondi')
      await page.getByLabel('Time zone').selectOption('Australia/Sydney')
      await page.getByLabel('Opening hours').fill('mon-fri 08:00-18:00; sat 09:00-12:00')
      await page
        .getByLabel('Response promise')
        .fill('2 business hours, reviews within 1 business day')
      await page.getByRole('button', { name: 'Check what Earshot understands' }).click()
      await page.locator('main').getByText('1 business day').first().waitFor()
      await Promise.all([
        page.waitForURL(/\/setup\/practices\?notice=created/),
        page.locator('form.setup-form button[name=intent][value=save]').click(),
      ])
      expect(await page.textContent('main')).toContain('Smile Dental Bondi')

      // 4. Connect the Facebook Page through the fake Facebook Login.
      await page.getByRole('link', { name: 'Channels' }).first().click()
      await Promise.all([
        page.waitForURL(/\/practices\/[^/]+\/connect$/),
        page.getByRole('link', { name: 'Connect an account' }).first().click(),
      ])
      await Promise.all([
        page.waitForURL((url) => url.toString().startsWith(facebook.url)),
        page.getByRole('button', { name: 'Connect Facebook' }).click(),
      ])
      await Promise.all([
        page.waitForURL(/\/connect\/pick\//),
        page.getByRole('button', { name: 'Allow' }).click(),
      ])
      await Promise.all([
        page.waitForURL(/notice=connected/),
        page.getByRole('button', { name: 'Connect selected' }).click(),
      ])
      expect(await page.textContent('main')).toContain('Smile Dental Bondi')
      expect(facebook.subscriptions.get(PAGE_ID)).toBe('feed,messages,message_echoes')

      // 5. The inbox is open (and empty) when the comment arrives by webhook.
      await page.goto(`${server.url}/inbox`)
      await page.evaluate(() => {
        document.body.dataset.sameDocument = 'yes'
      })
      expect(await page.textContent('main')).not.toContain(COMMENT)
      const delivered = await deliverComment()
      expect(delivered.status, await delivered.text()).toBe(200)
      const item = page.locator('ol.inbox > li', { hasText: COMMENT })
      await item.waitFor()
      expect(await page.evaluate(() => document.body.dataset.sameDocument)).toBe('yes')
      expect(await item.textContent()).toMatch(/pending|at risk/i)

      // 6. A reply that confirms the person is a patient is blocked, naming the phrase.
      await item.locator('summary', { hasText: 'Reply' }).click()
      const composer = item.locator('form[data-reply-composer]')
      const text = composer.locator('textarea[name=text]')
      await text.fill(LINTED)
      const warning = composer.locator('[data-lint-output] [role=alert]')
      await warning.waitFor()
      expect(await warning.textContent()).toMatch(/our patient/i)
      await screenshot(page, 'journey-reply-lint', { fullPage: false })
      // Sending it anyway without a reason is refused by the server too.
      await composer.getByRole('button', { name: 'Send reply' }).click()
      await page.getByRole('heading', { name: 'Reply not sent' }).waitFor()
      expect(await page.textContent('main')).toMatch(/our patient/i)
      expect(facebook.replies).toEqual([])

      // 7. The fixed text passes the lint and is sent; the fake Graph API has exactly that text.
      const again = page.locator('form[data-reply-composer]')
      await again.locator('textarea[name=text]').fill(FIXED)
      await page.waitForFunction(
        () =>
          document.querySelector<HTMLFormElement>('form[data-reply-composer]')?.dataset
            .lintWarnings === '0',
      )
      await Promise.all([
        page.waitForURL(/notice=reply-sent/),
        again.getByRole('button', { name: 'Send reply' }).click(),
      ])
      expect(facebook.replies.map((r) => [r.commentId, r.pageId, r.text])).toEqual([
        [COMMENT_ID, PAGE_ID, FIXED],
      ])

      // 8. The item has left the inbox and the mention's SLA shows met.
      await page.goto(`${server.url}/inbox`)
      expect(await page.textContent('main')).not.toContain(COMMENT)
      const mention = await database.db
        .selectFrom('mentions')
        .select('id')
        .where('external_id', '=', COMMENT_ID)
        .where('organisation_id', '=', organisationId)
        .executeTakeFirstOrThrow()
      await page.goto(`${server.url}/mentions/${encodeURIComponent(mention.id)}`)
      const main = (await page.textContent('main')) ?? ''
      expect(main).toContain(FIXED)
      expect(main).toMatch(/Status now\s*met/)
      await screenshot(page, 'journey-met')
    })
  },
)
