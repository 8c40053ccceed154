import { commitBatch, type EarshotDatabase, openDatabase } from '@earshot/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDashboard } from '../src/app.js'
import { DEMO_PASSWORD, DEMO_USERS } from '../src/demo/demo-practices.js'
import { seedDemo } from '../src/demo/seed-demo.js'
import { type RunningServer, startServer } from '../src/server.js'
import { chromiumAvailable, launchBrowser, screenshot, type TestBrowser } from './browser.js'

const NOW = new Date('2026-11-25T01:00:00Z')

describe.runIf(chromiumAvailable)('the live inbox in headless Chromium', () => {
  let database: EarshotDatabase
  let server: RunningServer
  let browser: TestBrowser
  let organisationId: string

  beforeAll(async () => {
    database = await openDatabase()
    organisationId = (await seedDemo(database.db, { seed: 5, scale: 0.05, now: NOW }))
      .organisationId
    server = await startServer({
      app: createDashboard({ db: database.db, now: () => NOW, inboxEvents: { pollMs: 200 } }),
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

  it('shows a comment that arrives while the inbox is open, without a reload', async () => {
    const { page } = browser
    await page.goto(`${server.url}/login`)
    await page.fill('input[name=email]', DEMO_USERS[0].email)
    await page.fill('input[name=password]', DEMO_PASSWORD)
    await Promise.all([page.waitForURL(`${server.url}/`), page.click('button[type=submit]')])
    await page.goto(`${server.url}/inbox?order=newest`)
    // Marks this document: a reload would lose it.
    await page.evaluate(() => {
      document.body.dataset.sameDocument = 'yes'
    })
    const text = 'Live test: can I book a check-up for Thursday afternoon?'
    expect(await page.textContent('main')).not.toContain(text)

    // What a webhook does when a comment arrives: one batch through the one write path.
    const channel = await database.db
      .selectFrom('channels')
      .select(['id'])
      .where('organisation_id', '=', organisationId)
      .where('platform', '=', 'facebook')
      .orderBy('id')
      .executeTakeFirstOrThrow()
    const result = await commitBatch(database.db, {
      organisationId,
      channelId: channel.id,
      source: 'webhook:facebook',
      items: [
        {
          channelId: channel.id,
          externalId: 'live-e2e-1',
          kind: 'comment',
          author: { id: 'live-e2e-author', name: 'Live Patient' },
          text,
          createdAt: new Date(NOW.getTime() - 30_000),
        },
      ],
      now: NOW,
    })
    expect(result.inserted).toBe(1)

    await page.waitForSelector(`ol.inbox >> text=${text}`)
    expect(await page.evaluate(() => document.body.dataset.sameDocument)).toBe('yes')
    await screenshot(page, 'inbox-live')
  })
})
