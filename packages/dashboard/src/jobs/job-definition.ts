/**
 * @module What a background job is in Earshot: a queue name, how that queue behaves on pg-boss
 * (one at a time per key, retries, how long a worker may go silent), an optional cron schedule,
 * and the function that does the work. Every kind of background work is one of these; the list
 * the workers run is `JOB_HANDLERS` in `job-handlers.ts`.
 */
import type { Database } from '@earshot/core'
import type { Kysely } from 'kysely'
import type { MailSender } from '../mail/mail-sender.js'

/** How a queue behaves; the subset of pg-boss's queue options Earshot uses. */
export interface JobQueueOptions {
  /**
   * `standard`: any number queued and active. `exclusive`: one job per `singletonKey` queued or
   * active (a second `send` with the same key is dropped): what "one poll per channel at a time"
   * needs. See pg-boss's queue policies for the rest.
   */
  policy?: 'standard' | 'exclusive' | 'singleton' | 'stately' | 'short'
  /** Attempts after the first (default 3). */
  retryLimit?: number
  /** Seconds before the first retry (default 30), doubled each time when `retryBackoff`. */
  retryDelay?: number
  retryBackoff?: boolean
  /** Longest retry delay in seconds (default 1 hour). */
  retryDelayMax?: number
  /**
   * A worker that has not reported for this many seconds is taken for dead: its job is failed
   * and retried by another worker (pg-boss requires at least 10). Default 30.
   */
  heartbeatSeconds?: number
  /** A job running longer than this is failed and retried (default 15 minutes). */
  expireInSeconds?: number
}

/** What a handler gets besides the job: the database, the clock, and a way to enqueue more work. */
export interface JobContext {
  db: Kysely<Database>
  /** The clock of the job system (tests inject one). */
  now: () => Date
  /** Enqueues a job; resolves to its id, or null when a singleton key already has one. */
  send: (queue: string, data: object, options?: SendJobOptions) => Promise<string | null>
  /** Outgoing mail, when the process has a transport configured. */
  mail?: MailSender
}

export interface SendJobOptions {
  /** With an `exclusive` queue: at most one job per key queued or active. */
  singletonKey?: string
  /** Run no earlier than this. */
  startAfter?: Date
}

/** One job as a handler sees it. */
export interface Job<T> {
  id: string
  data: T
  /** 0 on the first attempt. */
  retryCount: number
}

/**
 * One queue and its worker. A handler that throws fails the attempt: pg-boss retries it with the
 * queue's backoff and, after the last retry, keeps it as `failed` with the error (the jobs page
 * lists those). Handlers must be idempotent: a killed worker's job runs again elsewhere.
 */
export interface JobDefinition<T = unknown> {
  queue: string
  options?: JobQueueOptions
  /** Periodic work: a cron expression (UTC) and the data each run gets. */
  schedule?: { cron: string; data?: object }
  /** Jobs this queue's worker fetches at once in one process (default 1). */
  concurrency?: number
  /** Runs once when a process starts its workers: enqueue work that start-up conditions call for. */
  onStart?(context: JobContext): Promise<void>
  handle(job: Job<T>, context: JobContext): Promise<void>
}

/** Declares a job with its data type checked at the definition (an identity function). */
export function defineJob<T>(definition: JobDefinition<T>): JobDefinition<T> {
  return definition
}
