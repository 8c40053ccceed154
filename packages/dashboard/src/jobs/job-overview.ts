/**
 * @module What the jobs page reads: pg-boss's own job table (schema `pgboss`), through SQL
 * because the page runs in any `serve` process, with or without a running worker. Only the
 * caller's organisation's jobs (those whose data names it) are counted and listed; the
 * cross-tenant dispatchers (`channel-dispatch`, `alert-evaluate`) show as system jobs with
 * counts and times only, never their data.
 */
import { type Kysely, sql } from 'kysely'
import type { Database } from '../core.js'
import { JOB_QUEUES } from './job-queues.js'
import { JOB_SCHEMA } from './job-system.js'

export const JOB_STATES = [
  'created',
  'retry',
  'active',
  'completed',
  'cancelled',
  'failed',
] as const
export type JobState = (typeof JOB_STATES)[number]

export interface QueueSummary {
  queue: string
  /** Jobs that name an organisation belong to it; the rest are the system's own. */
  scope: 'organisation' | 'system'
  counts: Record<JobState, number>
  lastCompletedAt: Date | null
}

export interface JobRow {
  id: string
  queue: string
  state: JobState
  attempts: number
  retryLimit: number
  createdAt: Date
  startedAt: Date | null
  completedAt: Date | null
  /** The failure's message (pg-boss stores the thrown error in `output`). */
  error: string | null
}

export interface JobOverview {
  available: boolean
  queues: QueueSummary[]
  running: JobRow[]
  failed: JobRow[]
}

/** Queues whose jobs never name an organisation (listed even before their first job). */
const SYSTEM_QUEUES = new Set<string>([
  JOB_QUEUES.channelDispatch,
  JOB_QUEUES.alertEvaluate,
  JOB_QUEUES.webhookDrain,
  JOB_QUEUES.webhookIngest,
])

function isMissingSchema(error: unknown): boolean {
  // 42P01: undefined table, 3F000: undefined schema: the job system never ran on this database.
  const code = (error as { code?: unknown })?.code
  return code === '42P01' || code === '3F000'
}

const emptyCounts = (): Record<JobState, number> =>
  Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as Record<JobState, number>

/** The error text of a failed job, from pg-boss's `output` (an Error serialised as JSON). */
function errorOf(output: unknown): string | null {
  if (!output || typeof output !== 'object') return null
  const o = output as Record<string, unknown>
  const message = typeof o.message === 'string' ? o.message : null
  return message ? message.slice(0, 500) : null
}

export async function getJobOverview(
  db: Kysely<Database>,
  organisationId: string,
  options: { limit?: number } = {},
): Promise<JobOverview> {
  const limit = options.limit ?? 50
  const job = sql.table(`${JOB_SCHEMA}.job`)
  try {
    const counts = await sql<{
      name: string
      state: JobState
      n: number
      last_completed: Date | null
      own: boolean
    }>`
      select name, state::text as state, count(*)::int as n, max(completed_on) as last_completed,
             (data->>'organisationId') is not null as own
        from ${job}
       where (data->>'organisationId' = ${organisationId} or data->>'organisationId' is null)
         and name not like '\\_\\_%'
       group by name, state, own`.execute(db)
    const queues = new Map<string, QueueSummary>()
    const summary = (queue: string, scope: QueueSummary['scope']): QueueSummary => {
      const key = `${scope}:${queue}`
      let q = queues.get(key)
      if (!q) {
        q = { queue, scope, counts: emptyCounts(), lastCompletedAt: null }
        queues.set(key, q)
      }
      return q
    }
    for (const name of Object.values(JOB_QUEUES))
      summary(name, SYSTEM_QUEUES.has(name) ? 'system' : 'organisation')
    for (const r of counts.rows) {
      // Jobs that name no organisation are the system's (dispatchers, deliveries for many tenants).
      const q = summary(r.name, r.own ? 'organisation' : 'system')
      q.counts[r.state] = (q.counts[r.state] ?? 0) + Number(r.n)
      const last = r.last_completed ? new Date(r.last_completed) : null
      if (last && (!q.lastCompletedAt || last > q.lastCompletedAt)) q.lastCompletedAt = last
    }
    const list = (states: JobState[]) =>
      sql<{
        id: string
        name: string
        state: JobState
        retry_count: number
        retry_limit: number
        created_on: Date
        started_on: Date | null
        completed_on: Date | null
        output: unknown
      }>`
        select id::text, name, state::text as state, retry_count, retry_limit, created_on,
               started_on, completed_on, output
          from ${job}
         where data->>'organisationId' = ${organisationId}
           and state::text in (${sql.join(states)})
         order by coalesce(completed_on, started_on, created_on) desc, id
         limit ${limit}`.execute(db)
    const [running, failed] = await Promise.all([list(['active']), list(['failed'])])
    const toRow = (r: (typeof running.rows)[number]): JobRow => ({
      id: r.id,
      queue: r.name,
      state: r.state,
      attempts: r.retry_count + (r.state === 'created' ? 0 : 1),
      retryLimit: r.retry_limit,
      createdAt: new Date(r.created_on),
      startedAt: r.started_on ? new Date(r.started_on) : null,
      completedAt: r.completed_on ? new Date(r.completed_on) : null,
      error: r.state === 'failed' ? errorOf(r.output) : null,
    })
    return {
      available: true,
      queues: [...queues.values()].sort(
        (a, b) => a.queue.localeCompare(b.queue) || a.scope.localeCompare(b.scope),
      ),
      running: running.rows.map(toRow),
      failed: failed.rows.map(toRow),
    }
  } catch (error) {
    if (isMissingSchema(error)) return { available: false, queues: [], running: [], failed: [] }
    throw error
  }
}
