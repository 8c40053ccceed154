import { readFileSync } from 'node:fs'
import { type EarshotDatabase, MENTION_EXPORT_COLUMNS, openDatabase } from '@earshot/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDashboard } from '../src/app.js'
import { DEMO_PASSWORD, DEMO_USERS } from '../src/demo/demo-practices.js'
import { seedDemo } from '../src/demo/seed-demo.js'
import { type RunningServer, startServer } from '../src/server.js'
import {
  CHROMIUM_PATH,
  chartPixels,
  chromiumAvailable,
  launchBrowser,
  screenshot,
  type TestBrowser,
} from './browser.js'

const inCi = Boolean(process.env.CI)

if (!chromiumAvailable && !inCi) {
  console.warn(
    `[e2e] skipped: no browser at ${CHROMIUM_PATH}. Install it with \`apt-get install -y chromium\` (or set EARSHOT_CHROMIUM); CI always runs these tests.`,
  )
}

describe.runIf(!chromiumAvailable && inCi)('end-to-end prerequisites', () => {
  it('has Chromium installed in CI', () => {
    throw new Error(`CI must install chromium: nothing at ${CHROMIUM_PATH}`)
  })
})

describe.runIf(chromiumAvailable)('the dashboard in headless Chromium', () => {
  let database: EarshotDatabase
  let server: RunningServer
  let browser: TestBrowser

  beforeAll(async () => {
    database = await openDatabase()
    // A smaller copy of the demo: same practices and behaviours, fewer mentions.
    await seedDemo(database.db, { seed: 11, scale: 0.15 })
    server = await startServer({
      app: createDashboard({ db: database.db }),
      port: 0,
      handleSignals: false,
    })
    browser = await launchBrowser()
  })

  afterAll(async () => {
    await browser?.close()
    await server?.close()
    await database?.close()
  })

  it('signs in with the demo login and lands on the agency overview', async () => {
    const { page } = browser
    await page.goto(`${server.url}/login`)
    await screenshot(page, 'login')
    await page.fill('input[name=email]', DEMO_USERS[0].email)
    await page.fill('input[name=password]', DEMO_PASSWORD)
    await Promise.all([page.waitForURL(`${server.url}/`), page.click('button[type=submit]')])
    const body = await page.textContent('main')
    for (const name of [
      'Bondi Junction Family GP',
      'Camden Smiles Dental',
      'Venice Beach Physical Therapy',
    ]) {
      expect(body).toContain(name)
    }
    await screenshot(page, 'agency-overview')
  })

  it('draws the agency overview charts: no canvas is blank', async () => {
    const { page } = browser
    await page.goto(`${server.url}/`)
    const canvases = await chartPixels(page)
    expect(canvases.length).toBeGreaterThan(0)
    for (const c of canvases) expect(c.painted, `canvas ${c.id}`).toBeGreaterThan(500)
  })

  it('draws the practice overview charts: no canvas is blank', async () => {
    const { page } = browser
    await page.goto(`${server.url}/practices/demo-bondi-gp`)
    const canvases = await chartPixels(page)
    expect(canvases.length).toBeGreaterThanOrEqual(3)
    for (const c of canvases) expect(c.painted, `canvas ${c.id}`).toBeGreaterThan(500)
    await screenshot(page, 'practice-overview')
  })

  it('marks an inbox item "no reply needed" and it leaves the inbox', async () => {
    const { page } = browser
    await page.goto(`${server.url}/inbox`)
    await screenshot(page, 'inbox', { fullPage: false })
    const first = page.locator('li.inbox-item').first()
    const href = await first.locator('a[href^="/mentions/"]').first().getAttribute('href')
    expect(href).toMatch(/^\/mentions\//)
    // A page is one screenful (the next item moves up into it), so the true total is what drops.
    const total = async () => Number(await page.locator('.inbox-totals').getAttribute('data-total'))
    const before = await total()
    await Promise.all([
      page.waitForURL(/notice=no-reply-needed/),
      first.getByRole('button', { name: 'No reply needed' }).click(),
    ])
    expect(await page.locator(`li.inbox-item a[href="${href}"]`).count()).toBe(0)
    expect(await total()).toBe(before - 1)
    // The audit trail records who decided and when.
    await page.goto(`${server.url}${href}`)
    expect(await page.textContent('main')).toContain(DEMO_USERS[0].email)
    await screenshot(page, 'mention-detail')
  })

  it('exports the mentions as CSV with every SLA column', async () => {
    const { page } = browser
    await page.goto(`${server.url}/exports`)
    await screenshot(page, 'exports')
    const form = page.locator('form[action="/exports/mentions.csv"]')
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      form.getByRole('button', { name: 'Download CSV' }).click(),
    ])
    expect(download.suggestedFilename()).toMatch(/\.csv$/)
    const path = await download.path()
    const lines = readFileSync(path, 'utf8').trim().split(/\r?\n/)
    expect(lines[0]!.replace(/^\uFEFF/, '').split(',')).toEqual([...MENTION_EXPORT_COLUMNS])
    expect(lines.length).toBeGreaterThan(10)
  })

  it('shows the mentions search, settings and the printable report', async () => {
    const { page } = browser
    await page.goto(`${server.url}/mentions?q=book`)
    expect(await page.locator('main').textContent()).toMatch(/book/i)
    await screenshot(page, 'mentions', { fullPage: false })
    await page.goto(`${server.url}/practices/demo-camden-dental/settings`)
    expect(await page.inputValue('input[name=time_zone]')).toBe('Europe/London')
    expect(await page.inputValue('input[name=holiday_region]')).toBe('GB-ENG')
    await screenshot(page, 'settings')
    // The dead page's expired token shows on its settings.
    await page.goto(`${server.url}/practices/demo-venice-physio/settings`)
    expect(await page.locator('main').textContent()).toContain('Session has expired')
    await page.goto(`${server.url}/practices/demo-venice-physio/report`)
    await chartPixels(page).catch(() => [])
    await screenshot(page, 'report')
  })
})
