/**
 * Refreshes the documentation's screenshots of the set-up pages: a new practice with its hours
 * and promise read back, a practice's edit form, the channels list with their health (the demo has
 * channels that need a reconnect), the account picker of "Connect Facebook" (the fake Facebook
 * Login on loopback), the users page after an invitation mailed through a real SMTP server
 * process, an API token shown once, and the reply composer blocking a reply that would confirm
 * a patient relationship. Seeds a small demo on a pinned clock and photographs it in headless
 * Chromium. A script, not a test:
 *
 *   npm run screenshots:setup -w @earshot/dashboard
 */
import { randomBytes } from 'node:crypto'
import { openDatabase } from '@earshot/core'
// Straight from the file: the testing index also exports vitest helpers, which need a test run.
import { startFakeFacebookLogin } from '../../collectors/src/testing/fake-oauth/fake-facebook-login.js'
import { createDashboard } from '../src/app.js'
import {
  type ConnectFlows,
  connectFlowsFromEnv,
  connectRedirectUri,
} from '../src/connect/connect-config.js'
import { DEMO_PASSWORD, DEMO_USERS } from '../src/demo/demo-practices.js'
import { seedDemo } from '../src/demo/seed-demo.js'
import { createSmtpMailSender } from '../src/mail/smtp-mail-sender.js'
import { startServer } from '../src/server.js'
import { startSmtpTestServer } from '../src/test-support/smtp-test-server.js'
import { launchBrowser, screenshot } from './browser.js'

process.env.UPDATE_SCREENSHOTS = '1'
// Connected channels' tokens are sealed with the process key; a throw-away one for this run.
process.env.EARSHOT_SECRET_KEY ??= randomBytes(32).toString('base64')
/** A Tuesday morning in Sydney: the pages read the same on every run. */
const NOW = new Date('2026-11-24T23:30:00Z')
/** Shown instead of the real one-time token, so no secret-looking value is published. */
const DEMO_TOKEN = 'es_demo_0000000000000000000000000000000000000000'
const LINTED_REPLY =
  'Thanks for your message! As our patient you can move your appointment online, your results are back too.'

const database = await openDatabase()
const { db } = database
await seedDemo(db, { seed: 7, scale: 0.05, now: NOW })
const smtp = await startSmtpTestServer()
const connect: ConnectFlows = {}
const server = await startServer({
  app: createDashboard({
    db,
    now: () => NOW,
    connect,
    mail: createSmtpMailSender({ url: smtp.url, from: 'Earshot <earshot@clinic.example>' }),
  }),
  port: 0,
  handleSignals: false,
})
const facebook = await startFakeFacebookLogin({
  client: {
    clientId: 'demo-app',
    clientSecret: 'demo-app-secret',
    redirectUris: [connectRedirectUri(server.url, 'facebook')],
  },
  pages: [
    {
      id: '104857293847561',
      name: 'Harbour Dental',
      instagram: { id: '17841401234567890', username: 'harbourdental' },
    },
    { id: '104857293847562', name: 'Harbour Dental Kids' },
    { id: '104857293847563', name: 'Harbour Dental Careers', tasks: ['ANALYZE'] },
  ],
})
Object.assign(
  connect,
  connectFlowsFromEnv({
    EARSHOT_PUBLIC_URL: server.url,
    EARSHOT_FACEBOOK_APP_ID: 'demo-app',
    EARSHOT_FACEBOOK_APP_SECRET: 'demo-app-secret',
    EARSHOT_FACEBOOK_DIALOG_URL: facebook.url,
    EARSHOT_FACEBOOK_GRAPH_URL: facebook.url,
  }),
)
const browser = await launchBrowser()
try {
  const { page } = browser
  await page.goto(`${server.url}/login`)
  await page.fill('input[name=email]', DEMO_USERS[0]!.email)
  await page.fill('input[name=password]', DEMO_PASSWORD)
  await Promise.all([page.waitForURL(`${server.url}/`), page.click('button[type=submit]')])

  // A new practice, checked: the hours and the promise as Earshot understood them.
  await page.goto(`${server.url}/setup/practices/new`)
  const form = page.locator('form.setup-form')
  await form.getByLabel('Name', { exact: true }).fill('Harbour Dental Newtown')
  await form.getByLabel('Time zone').selectOption('Australia/Sydney')
  await form.locator('select[name=holiday_region]').selectOption('AU-NSW')
  await form.getByLabel('Opening hours').fill('mon-fri 08:00-12:30 13:30-18:00; sat 09:00-12:00')
  await form.getByLabel('Response promise').fill('2 business hours, reviews within 1 business day')
  await form.getByRole('button', { name: 'Check what Earshot understands' }).click()
  await page.locator('form.setup-form').waitFor()
  await screenshot(page, 'setup-practice-new')

  // An existing practice's edit form, checked the same way.
  await page.goto(`${server.url}/setup/practices`)
  await page.getByRole('link', { name: 'Edit' }).first().click()
  const edit = page.locator('form.setup-form')
  // The demo's promise has per-category targets (edited under Settings): type a plain one.
  await edit
    .getByLabel('Response promise')
    .fill('2 business hours, messages within 30 minutes, reviews within 1 business day')
  await edit.getByRole('button', { name: 'Check what Earshot understands' }).click()
  await page.locator('form.setup-form').waitFor()
  await screenshot(page, 'setup-practice-edit')

  await page.goto(`${server.url}/setup/channels`)
  await screenshot(page, 'setup-channels')

  // Connect Facebook: the fake provider's consent, then Earshot's account picker.
  await page.goto(`${server.url}/setup/channels`)
  await Promise.all([
    page.waitForURL(/\/practices\/[^/]+\/connect$/),
    page.getByRole('link', { name: 'Connect an account' }).first().click(),
  ])
  await screenshot(page, 'setup-connect', { fullPage: false })
  await Promise.all([
    page.waitForURL((url) => url.toString().startsWith(facebook.url)),
    page.getByRole('button', { name: 'Connect Facebook' }).click(),
  ])
  await Promise.all([
    page.waitForURL(/\/connect\/pick\//),
    page.getByRole('button', { name: 'Allow' }).click(),
  ])
  await screenshot(page, 'setup-connect-pick')

  // Users: an invitation mailed through the SMTP server.
  await page.goto(`${server.url}/setup/users`)
  const invite = page.locator('form[action="/setup/users"]')
  await invite.getByLabel('E-mail').fill('nadia@harbour.example')
  await invite.getByLabel('Name', { exact: true }).fill('Nadia Nguyen')
  await invite.getByLabel('Role').selectOption('practice_manager')
  await invite.locator('input[name=practices]').first().check()
  await invite.getByRole('button', { name: 'Send invitation' }).click()
  await page.getByText('Invitation mailed to nadia@harbour.example').waitFor()
  await smtp.nextMessage()
  await screenshot(page, 'setup-users')

  // API tokens: the new token, shown once (the demo value replaces the real one).
  await page.goto(`${server.url}/setup/tokens`)
  await page.getByLabel('What it is for').fill('monthly report script')
  await page.getByRole('button', { name: 'Create token' }).click()
  const secret = page.locator('.token-once code.secret')
  await secret.waitFor()
  await secret.evaluate((el, value) => {
    el.textContent = value
  }, DEMO_TOKEN)
  await screenshot(page, 'setup-tokens')

  // The reply composer of an open Facebook comment, blocking a reply that names a patient.
  await page.goto(`${server.url}/inbox`)
  await page
    .locator('ol.inbox > li:has(form[data-reply-composer])')
    .first()
    .getByRole('link', { name: 'Details and audit trail' })
    .click()
  const composer = page.locator('form[data-reply-composer]')
  await composer.locator('textarea[name=text]').fill(LINTED_REPLY)
  await composer.locator('[data-lint-output] [role=alert]').waitFor()
  await composer.scrollIntoViewIfNeeded()
  await screenshot(page, 'setup-reply-lint', { fullPage: false })
  console.error(`screenshots written; invitation mails received: ${smtp.received.length}`)
} catch (error) {
  // Said before the clean-up, whose own errors would otherwise hide it.
  console.error(error)
  process.exitCode = 1
} finally {
  await browser.close()
  await server.close()
  await facebook.close()
  await smtp.close()
  await database.close()
}
