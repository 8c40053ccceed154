/**
 * @module Scheduled reports as jobs. A dispatcher every five minutes computes, for each enabled
 * schedule, its latest occurrence in the schedule's time zone; a period not yet recorded is
 * recorded `pending` (the unique schedule+period row is the once-only gate) and one `report-send`
 * job is enqueued for it with `schedule:period` as singleton key. The send claims the row
 * (one claimant wins even across workers), mails the report, and records `sent` or `failed`
 * with the error; pg-boss retries a failure with backoff and the row shows each outcome.
 */
import { z } from 'zod'
import { defineJob, type JobContext, type JobDefinition } from '../jobs/job-definition.js'
import { JOB_QUEUES } from '../jobs/job-queues.js'
import { chromiumLauncher, type ReportBrowserLauncher } from './report-browser.js'
import { loadReportContent } from './report-content.js'
import { buildReportMail } from './report-mail.js'
import { latestDue } from './report-period.js'
import {
  claimSend,
  finishSend,
  getSchedule,
  listEnabledSchedules,
  listPendingSends,
  recordDue,
} from './report-schedule-store.js'

/** A claim older than this belongs to a dead worker (the send queue's expiry is 10 minutes). */
const STALE_CLAIM_MS = 15 * 60_000

const sendData = z.object({
  organisationId: z.string().min(1),
  scheduleId: z.string().min(1),
  period: z.string().min(1),
})
export type ReportSendData = z.infer<typeof sendData>

/** The singleton key of one period of one schedule. */
export function sendKey(scheduleId: string, period: string): string {
  return `${scheduleId}:${period}`
}

/**
 * Records each schedule's due period and enqueues a send for every pending one; returns how
 * many sends were enqueued (a pending period already queued is not enqueued twice).
 */
export async function dispatchDueReports(context: JobContext): Promise<number> {
  const now = context.now()
  for (const schedule of await listEnabledSchedules(context.db)) {
    const due = latestDue(
      {
        frequency: schedule.frequency,
        day: schedule.day,
        localTime: schedule.localTime,
        timeZone: schedule.timeZone,
      },
      now,
    )
    // A schedule reports periods due after it was created, never a backlog of older ones.
    if (due.dueAt.getTime() < schedule.createdAt.getTime()) continue
    await recordDue(context.db, schedule, due.period.key, now)
  }
  let enqueued = 0
  for (const pending of await listPendingSends(context.db)) {
    const data: ReportSendData = pending
    const id = await context.send(JOB_QUEUES.reportSend, data, {
      singletonKey: sendKey(pending.scheduleId, pending.period),
    })
    if (id) enqueued += 1
  }
  return enqueued
}

export interface ReportJobOptions {
  /** How to start Chromium (default: /usr/bin/chromium or EARSHOT_CHROMIUM, when present). */
  launchBrowser?: ReportBrowserLauncher
  /** Base of links in the mail (default EARSHOT_PUBLIC_URL). */
  baseUrl?: string
}

/** Sends one period of one schedule, at most once; throws (for a retry) when the mail fails. */
export async function sendScheduledReport(
  data: ReportSendData,
  context: JobContext,
  options: ReportJobOptions = {},
): Promise<'sent' | 'skipped'> {
  const { db } = context
  const now = context.now()
  const schedule = await getSchedule(db, data.organisationId, data.scheduleId)
  if (!schedule) return 'skipped'
  if (
    !(await claimSend(
      db,
      data.organisationId,
      data.scheduleId,
      data.period,
      now,
      new Date(now.getTime() - STALE_CLAIM_MS),
    ))
  )
    return 'skipped'
  try {
    if (!context.mail) throw new Error('mail is not configured (set EARSHOT_SMTP_URL)')
    const timing = {
      frequency: schedule.frequency,
      day: schedule.day,
      localTime: schedule.localTime,
      timeZone: schedule.timeZone,
    }
    const due = latestDue(timing, now)
    if (due.period.key !== data.period) {
      // A retry after the next period came due: report the period that was asked for.
      const asked = periodByKey(timing, data.period, now)
      if (!asked) throw new Error(`period ${data.period} is no longer computable`)
      due.period = asked
    }
    const content = await loadReportContent(db, schedule, due.period, now)
    if (!content) throw new Error('the practice of this schedule no longer exists')
    const launched = await (options.launchBrowser ?? chromiumLauncher())()
    let mail: Awaited<ReturnType<typeof buildReportMail>>
    try {
      mail = await buildReportMail(content, {
        to: schedule.recipients,
        ...((options.baseUrl ?? process.env.EARSHOT_PUBLIC_URL)
          ? { baseUrl: options.baseUrl ?? process.env.EARSHOT_PUBLIC_URL }
          : {}),
        browser: launched.browser,
        ...(launched.browser ? {} : { noBrowserReason: launched.reason }),
      })
    } finally {
      await launched.browser?.close()
    }
    const receipt = await context.mail.send(mail.message)
    await finishSend(db, data.organisationId, data.scheduleId, data.period, {
      status: 'sent',
      messageId: receipt.messageId,
      at: context.now(),
    })
    return 'sent'
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    await finishSend(db, data.organisationId, data.scheduleId, data.period, {
      status: 'failed',
      error: message,
    })
    throw error
  }
}

/** Finds the period with this key among the schedule's recent occurrences (up to a year back). */
function periodByKey(timing: Parameters<typeof latestDue>[0], key: string, now: Date) {
  let at = now
  for (let i = 0; i < 60; i++) {
    const due = latestDue(timing, at)
    if (due.period.key === key) return due.period
    at = new Date(due.dueAt.getTime() - 1)
  }
  return null
}

/** The dispatcher: every five minutes. */
export const reportDispatchJob = defineJob<Record<string, never>>({
  queue: JOB_QUEUES.reportDispatch,
  options: { policy: 'exclusive', retryLimit: 0 },
  schedule: { cron: '*/5 * * * *' },
  async handle(_job, context) {
    await dispatchDueReports(context)
  },
})

/** The send job, with its browser launcher (tests inject one). */
export function reportSendJob(options: ReportJobOptions = {}): JobDefinition<unknown> {
  return defineJob<unknown>({
    queue: JOB_QUEUES.reportSend,
    // A failed mail is retried three times, 1, 2 and 4 minutes later; each outcome is recorded.
    options: {
      policy: 'exclusive',
      retryLimit: 3,
      retryDelay: 60,
      retryBackoff: true,
      expireInSeconds: 600,
      heartbeatSeconds: 60,
    },
    async handle(job, context) {
      await sendScheduledReport(sendData.parse(job.data), context, options)
    },
  })
}
