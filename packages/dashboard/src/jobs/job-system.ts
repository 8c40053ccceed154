/**
 * @module The one background job system: pg-boss on Earshot's own database. `earshot serve` and
 * `demo` start it with workers in the same process (the embedded database is one process);
 * `earshot worker` starts it with workers only; any number of both share the work against one
 * PostgreSQL server, because pg-boss claims jobs with `SKIP LOCKED`.
 */
import type { EarshotDatabase } from '@earshot/core'
import { type Clock, PgBoss } from 'pg-boss'
import type { MailSender } from '../mail/mail-sender.js'
import { embeddedJobDatabase } from './embedded-job-database.js'
import type { JobContext, JobDefinition, SendJobOptions } from './job-definition.js'
import { JOB_HANDLERS } from './job-handlers.js'

/** Where pg-boss keeps its tables: a schema of its own, beside Earshot's. */
export const JOB_SCHEMA = 'pgboss'

/** Options of {@link startJobSystem}. */
export interface StartJobSystemOptions {
  database: EarshotDatabase
  /** The queues and their handlers (default `JOB_HANDLERS`). */
  jobs?: readonly JobDefinition<never>[]
  /** Run workers for the queues (default true). False: only enqueue (a web-only process). */
  work?: boolean
  /** Install the cron schedules of the jobs (default true, like `work`). */
  schedule?: boolean
  /** pg-boss's clock: tests pass pg-boss's `TestClock` and move time by hand. */
  clock?: Clock
  mail?: MailSender
  /** A name in pg-boss's instance registry, e.g. `worker` or `serve`. */
  instanceName?: string
  /** How often an idle worker looks for new jobs, in seconds (default 2). */
  pollingIntervalSeconds?: number
  /** Told about pg-boss's own errors (lost connection, a maintenance failure). */
  onError?: (error: Error) => void
}

/** A running job system. */
export interface JobSystem {
  /** The pg-boss instance, for the jobs page and tests. */
  readonly boss: PgBoss
  /** What handlers get; also how the rest of the app enqueues work. */
  readonly context: JobContext
  send(queue: string, data: object, options?: SendJobOptions): Promise<string | null>
  /** Stops fetching, waits for running jobs (up to `timeoutMs`), and closes pg-boss's pool. */
  stop(options?: { timeoutMs?: number }): Promise<void>
}

/**
 * Starts pg-boss on the database (installing or migrating its schema on first use), creates every
 * queue, and with `work` starts a worker per queue and installs the cron schedules.
 *
 * @example
 * const jobs = await startJobSystem({ database })
 * await jobs.send('channel-poll', { organisationId, channelId, slot })
 * await jobs.stop()
 */
export async function startJobSystem(options: StartJobSystemOptions): Promise<JobSystem> {
  const { database } = options
  const jobs = (options.jobs ?? JOB_HANDLERS) as readonly JobDefinition<unknown>[]
  const work = options.work ?? true
  const common = {
    schema: JOB_SCHEMA,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.instanceName ? { instanceName: options.instanceName } : {}),
    schedule: options.schedule ?? work,
  }
  let boss: PgBoss
  if (database.kind === 'postgres') {
    if (!database.url) throw new Error('[earshot] the job system needs the database URL')
    boss = new PgBoss({ ...common, connectionString: database.url, max: 4 })
  } else {
    if (!database.embedded) throw new Error('[earshot] the embedded database has no instance')
    boss = new PgBoss({
      ...common,
      db: embeddedJobDatabase(database.db, database.embedded),
      backend: 'pglite',
    })
  }
  boss.on('error', (error: Error) => options.onError?.(error))
  await boss.start()

  const clock = options.clock
  const send: JobContext['send'] = (queue, data, sendOptions = {}) =>
    boss.send(queue, data, {
      ...(sendOptions.singletonKey ? { singletonKey: sendOptions.singletonKey } : {}),
      ...(sendOptions.startAfter ? { startAfter: sendOptions.startAfter } : {}),
    })
  const context: JobContext = {
    db: database.db,
    now: clock ? () => new Date(clock.now()) : () => new Date(),
    send,
    ...(options.mail ? { mail: options.mail } : {}),
  }

  for (const job of jobs) {
    const o = job.options ?? {}
    const backoff = o.retryBackoff ?? true
    await boss.createQueue(job.queue, {
      policy: o.policy ?? 'standard',
      retryLimit: o.retryLimit ?? 3,
      retryDelay: o.retryDelay ?? 30,
      retryBackoff: backoff,
      ...(backoff ? { retryDelayMax: o.retryDelayMax ?? 3600 } : {}),
      heartbeatSeconds: Math.max(10, o.heartbeatSeconds ?? 30),
      expireInSeconds: o.expireInSeconds ?? 900,
    })
  }
  if (work) {
    for (const job of jobs) {
      await boss.work<unknown>(
        job.queue,
        {
          batchSize: 1,
          localConcurrency: job.concurrency ?? 1,
          pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2,
        },
        async ([item]) => {
          if (!item) return
          await job.handle({ id: item.id, data: item.data, retryCount: item.retryCount }, context)
        },
      )
      if (job.schedule && common.schedule) {
        await boss.schedule(job.queue, job.schedule.cron, job.schedule.data ?? {}, { tz: 'UTC' })
      }
    }
    for (const job of jobs) await job.onStart?.(context)
  }
  return {
    boss,
    context,
    send,
    stop: async ({ timeoutMs = 10_000 } = {}) => {
      await boss.stop({ graceful: true, timeout: timeoutMs })
    },
  }
}
