/**
 * Refreshes the documentation's screenshots of the notification centre, one alert with its
 * deliveries, and an alert e-mail: seeds a small demo, evaluates the alert rules, delivers them to
 * an e-mail endpoint through a real SMTP server process on loopback, and photographs the pages and
 * the received message's HTML part in headless Chromium. A script, not a test:
 *
 *   npm run screenshots:alerts -w @earshot/dashboard
 */
import { randomBytes } from 'node:crypto'
import { openDatabase } from '@earshot/core'
import { createAlertEndpoint } from '../src/alerts/alert-endpoint-store.js'
import { alertsDb } from '../src/alerts/alert-tables.js'
import { deliverAlerts } from '../src/alerts/deliver-alerts.js'
import { evaluateAlerts } from '../src/alerts/evaluate-alerts.js'
import { createDashboard } from '../src/app.js'
import { DEMO_PASSWORD, DEMO_USERS } from '../src/demo/demo-practices.js'
import { seedDemo } from '../src/demo/seed-demo.js'
import { createSmtpMailSender } from '../src/mail/smtp-mail-sender.js'
import { startServer } from '../src/server.js'
import { startSmtpTestServer } from '../src/test-support/smtp-test-server.js'
import { launchBrowser, screenshot } from './browser.js'

process.env.UPDATE_SCREENSHOTS = '1'
// Alert endpoints are sealed with the process key; a throw-away one for this run.
process.env.EARSHOT_SECRET_KEY ??= randomBytes(32).toString('base64')
const database = await openDatabase()
const { db } = database
const seeded = await seedDemo(db, { seed: 11, scale: 0.15 })
const now = new Date()
const smtp = await startSmtpTestServer()
await createAlertEndpoint(
  db,
  {
    organisationId: seeded.organisationId,
    practiceId: null,
    kind: 'email',
    name: 'Practice managers',
    target: 'managers@clinic.example',
    rules: ['sla_breached', 'urgent', 'low_rating'],
  },
  { now },
)
const evaluated = await evaluateAlerts(db, { now, organisationId: seeded.organisationId })
await deliverAlerts(db, {
  now,
  baseUrl: 'https://earshot.example',
  organisationId: seeded.organisationId,
  mail: createSmtpMailSender({ url: smtp.url, from: 'Earshot <alerts@earshot.example>' }),
})
console.error(`alerts raised: ${evaluated.created.length}, mails received: ${smtp.received.length}`)
const urgent = await alertsDb(db)
  .selectFrom('alerts')
  .select('id')
  .where('organisation_id', '=', seeded.organisationId)
  .orderBy('urgent', 'desc')
  .orderBy('created_at', 'desc')
  .executeTakeFirstOrThrow()

const server = await startServer({ app: createDashboard({ db }), port: 0, handleSignals: false })
const browser = await launchBrowser()
try {
  const { page } = browser
  await page.goto(`${server.url}/login`)
  await page.fill('input[name=email]', DEMO_USERS[0]!.email)
  await page.fill('input[name=password]', DEMO_PASSWORD)
  await Promise.all([page.waitForURL(`${server.url}/`), page.click('button[type=submit]')])
  await page.goto(`${server.url}/alerts`)
  await screenshot(page, 'notification-centre', { fullPage: false })
  await page.goto(`${server.url}/alerts/${encodeURIComponent(urgent.id)}`)
  await screenshot(page, 'alert-detail')
  const mail = smtp.received[0]
  if (!mail || typeof mail.parsed.html !== 'string')
    throw new Error('no alert e-mail with HTML arrived')
  await page.setContent(mail.parsed.html)
  await screenshot(page, 'alert-email')
  console.error(`subject of the photographed e-mail: ${mail.parsed.subject}`)
} finally {
  await browser.close()
  await server.close()
  await smtp.close()
  await database.close()
}
