/**
 * Scheduled reports end to end below the job queue: the dispatcher on an injected clock, two
 * concurrent sends of the same period (as two workers would), a real SMTP server process read
 * back with mailparser, real Chromium for the chart images and PDF, and the fallback without it.
 */
import { existsSync } from 'node:fs'
import { simpleParser } from 'mailparser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exportMentionLines } from '../data/export-rows.js'
import type { JobContext } from '../jobs/job-definition.js'
import { JOB_QUEUES } from '../jobs/job-queues.js'
import { createSmtpMailSender } from '../mail/smtp-mail-sender.js'
import { type SmtpTestServer, startSmtpTestServer } from '../test-support/smtp-test-server.js'
import { createTestWorld, type TestWorld } from '../test-support/test-world.js'
import { chromiumLauncher, chromiumPath, noBrowser } from './report-browser.js'
import { dispatchDueReports, sendKey, sendScheduledReport } from './report-jobs.js'
import { latestDue } from './report-period.js'
import { createSchedule, listSends, type ReportSchedule } from './report-schedule-store.js'

const hasChromium = existsSync(chromiumPath())
const inCi = Boolean(process.env.CI)
/** Monday 23 November 2026, 10:00 UTC: the weekly reports of 16–22 November are due. */
const MONDAY = new Date('2026-11-23T10:00:00Z')

let w: TestWorld
let smtp: SmtpTestServer
const sent: Array<{ queue: string; data: object; key: string | undefined }> = []

function contextAt(now: Date): JobContext {
  return {
    db: w.db,
    now: () => now,
    send: async (queue, data, options) => {
      sent.push({ queue, data, key: options?.singletonKey })
      return `job-${sent.length}`
    },
    mail: createSmtpMailSender({ url: smtp.url, from: 'Earshot <reports@earshot.test>' }),
  }
}

async function csvOf(schedule: ReportSchedule, practiceIds: string[]): Promise<string> {
  const due = latestDue(
    {
      frequency: schedule.frequency,
      day: schedule.day,
      localTime: schedule.localTime,
      timeZone: schedule.timeZone,
    },
    MONDAY,
  )
  let csv = ''
  for await (const line of exportMentionLines(
    w.db,
    { organisationId: w.a.orgId, practiceIds },
    { from: due.period.from, to: due.period.to, now: MONDAY },
  ))
    csv += line
  return csv
}

beforeAll(async () => {
  w = await createTestWorld()
  smtp = await startSmtpTestServer()
})

afterAll(async () => {
  await smtp?.close()
  await w?.close()
})

describe('scheduled reports', () => {
  it.runIf(hasChromium || inCi)(
    'mails a practice report once, with figures, chart images, the CSV and a PDF',
    async () => {
      const schedule = await createSchedule(
        w.db,
        w.a.orgId,
        w.a.practice1,
        {
          frequency: 'weekly',
          day: 1,
          local_time: '09:00',
          time_zone: 'UTC',
          recipients: ['manager@harbour.test'],
        },
        new Date('2026-11-20T00:00:00Z'),
      )
      const context = contextAt(MONDAY)
      sent.length = 0
      expect(await dispatchDueReports(context)).toBe(1)
      expect(sent).toEqual([
        {
          queue: JOB_QUEUES.reportSend,
          data: { organisationId: w.a.orgId, scheduleId: schedule.id, period: '2026-W47' },
          key: sendKey(schedule.id, '2026-W47'),
        },
      ])
      // Two workers run the same send at once: one mails, the other finds it claimed.
      const data = sent[0]!.data as { organisationId: string; scheduleId: string; period: string }
      const outcomes = await Promise.all([
        sendScheduledReport(data, context, {
          launchBrowser: chromiumLauncher(),
          baseUrl: 'https://earshot.test',
        }),
        sendScheduledReport(data, context, {
          launchBrowser: chromiumLauncher(),
          baseUrl: 'https://earshot.test',
        }),
      ])
      expect(outcomes.sort()).toEqual(['sent', 'skipped'])
      // Dispatching again later the same week finds the period sent: nothing new.
      sent.length = 0
      expect(await dispatchDueReports(contextAt(new Date('2026-11-25T10:00:00Z')))).toBe(0)
      expect(sent).toEqual([])

      const mail = await smtp.nextMessage()
      expect(smtp.received).toHaveLength(1)
      expect(mail.envelope.to).toEqual(['manager@harbour.test'])
      expect(mail.parsed.subject).toBe('Weekly report: Harbour GP, 16 Nov–22 Nov 2026')
      const text = mail.parsed.text ?? ''
      expect(text).toMatch(/Compliance \(goal \d+%\)/)
      expect(text).toMatch(/Response rate: /)
      expect(text).toMatch(/Median response time: /)
      expect(text).toMatch(/90th percentile: /)
      expect(text).toMatch(/Backlog: \d+ unanswered/)
      expect(text).toContain('In the dashboard: https://earshot.test/practices/')
      // mailparser inlines cid: images as data: URIs; the raw HTML part refers to them by cid.
      const raw = (await simpleParser(mail.raw, { keepCidLinks: true })).html
      expect(raw).toContain('src="cid:chart-compliance-by-week"')
      expect(raw).toContain('src="cid:chart-response-times"')
      const byName = new Map(mail.parsed.attachments.map((a) => [a.filename, a]))
      const png = byName.get('chart-compliance-by-week.png')
      expect(png?.cid).toBe('chart-compliance-by-week')
      expect(png?.content.subarray(1, 4).toString()).toBe('PNG')
      const pdf = [...byName.values()].find((a) => a.contentType === 'application/pdf')
      expect(pdf?.content.subarray(0, 5).toString()).toBe('%PDF-')
      const csv = [...byName.values()].find((a) => a.filename?.endsWith('.csv'))
      const expected = await csvOf(schedule, [w.a.practice1])
      expect(expected.split('\n').length).toBeGreaterThan(2)
      expect(csv?.content.toString('utf8')).toBe(expected)

      const [record] = await listSends(w.db, w.a.orgId, [schedule.id])
      expect(record).toMatchObject({ period: '2026-W47', status: 'sent', attempts: 1, error: null })
    },
  )

  it('mails the agency report with one row per practice, tables instead of charts without Chromium', async () => {
    const schedule = await createSchedule(
      w.db,
      w.a.orgId,
      null,
      {
        frequency: 'weekly',
        day: 1,
        local_time: '08:00',
        time_zone: 'UTC',
        recipients: ['owner@harbour.test', 'ops@harbour.test'],
      },
      new Date('2026-11-20T00:00:00Z'),
    )
    sent.length = 0
    const context = contextAt(MONDAY)
    await dispatchDueReports(context)
    const mine = sent.find((s) => (s.data as { scheduleId: string }).scheduleId === schedule.id)
    expect(mine).toBeDefined()
    const outcome = await sendScheduledReport(mine!.data as never, context, {
      launchBrowser: noBrowser('no Chromium at /nowhere'),
    })
    expect(outcome).toBe('sent')
    const mail = await smtp.nextMessage()
    expect(mail.envelope.to).toEqual(['owner@harbour.test', 'ops@harbour.test'])
    expect(mail.parsed.subject).toBe(
      'Weekly report: Harbour Health Agency (all practices), 16 Nov–22 Nov 2026',
    )
    const html = String(mail.parsed.html)
    for (const name of ['Harbour GP', 'Bondi Physio']) expect(html).toContain(`>${name}</td>`)
    expect(html).not.toContain('Rival')
    expect(html).not.toContain('cid:')
    expect(mail.parsed.text).toContain(
      'Charts and the PDF copy need Chromium on the Earshot server (no Chromium at /nowhere)',
    )
    expect(mail.parsed.attachments.map((a) => a.contentType)).toEqual(['text/csv'])
    expect(mail.parsed.attachments[0]!.content.toString('utf8')).toBe(
      await csvOf(schedule, [w.a.practice2, w.a.practice1].sort()),
    )
  })

  it('records a refused mail as failed with the error, and sends it on the retry', async () => {
    const schedule = await createSchedule(
      w.db,
      w.a.orgId,
      w.a.practice2,
      {
        frequency: 'monthly',
        day: 1,
        local_time: '07:00',
        time_zone: 'Australia/Sydney',
        recipients: ['bondi@harbour.test'],
      },
      new Date('2026-11-20T00:00:00Z'),
    )
    sent.length = 0
    const at = new Date('2026-12-02T00:00:00Z')
    const context = contextAt(at)
    await dispatchDueReports(context)
    const data = sent.find((s) => (s.data as { scheduleId: string }).scheduleId === schedule.id)!
      .data as never
    smtp.rejectNext(1)
    await expect(
      sendScheduledReport(data, context, { launchBrowser: noBrowser('off') }),
    ).rejects.toThrow()
    const [failed] = await listSends(w.db, w.a.orgId, [schedule.id])
    expect(failed).toMatchObject({ period: '2026-11', status: 'failed', attempts: 1 })
    expect(failed!.error).toMatch(/550|unavailable/i)
    // The dispatcher leaves a failed period to the queue's retries: it enqueues nothing new.
    sent.length = 0
    await dispatchDueReports(context)
    expect(
      sent.filter((s) => (s.data as { scheduleId: string }).scheduleId === schedule.id),
    ).toEqual([])
    expect(await sendScheduledReport(data, context, { launchBrowser: noBrowser('off') })).toBe(
      'sent',
    )
    const mail = await smtp.nextMessage()
    expect(mail.parsed.subject).toBe('Monthly report: Bondi Physio, November 2026')
    const [record] = await listSends(w.db, w.a.orgId, [schedule.id])
    expect(record).toMatchObject({ status: 'sent', attempts: 2, error: null })
  })
})
