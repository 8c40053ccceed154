/**
 * @module The jobs page: every queue with its jobs by state, what runs now, and recent failures
 * with their errors in words.
 */
import type { JobOverview, JobRow } from '../jobs/job-overview.js'
import { formatDateTime } from './format.js'

const QUEUE_LABELS: Readonly<Record<string, string>> = {
  'channel-dispatch': 'Finds channels due for a poll (every minute)',
  'channel-poll': 'Polls one channel',
  'webhook-drain': 'Ingests stored webhook deliveries, in batches',
  'webhook-ingest': 'Wakes the webhook drain (jobs from an earlier version)',
  'alert-evaluate': 'Evaluates alert rules and delivers alerts (every minute)',
}

function JobTable({
  rows,
  timeZone,
  failed,
}: {
  rows: JobRow[]
  timeZone: string
  failed: boolean
}) {
  return (
    <table class="jobs">
      <thead>
        <tr>
          <th scope="col">Queue</th>
          <th scope="col">Job</th>
          <th scope="col">Attempts</th>
          <th scope="col">{failed ? 'Failed' : 'Started'}</th>
          {failed ? <th scope="col">Error</th> : null}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr>
            <td>{r.queue}</td>
            <td>
              <code>{r.id.slice(0, 8)}</code>
            </td>
            <td>
              {r.attempts} of {r.retryLimit + 1}
            </td>
            <td>{formatDateTime(failed ? r.completedAt : r.startedAt, timeZone)}</td>
            {failed ? <td class="job-error">{r.error ?? 'no message'}</td> : null}
          </tr>
        ))}
      </tbody>
    </table>
  )
}

export function JobsView({ overview, timeZone }: { overview: JobOverview; timeZone: string }) {
  if (!overview.available)
    return (
      <>
        <h1>Background jobs</h1>
        <p class="lede">
          The job system has not run on this database yet. Start <code>earshot serve</code> (it runs
          a worker unless started with <code>--no-worker</code>) or <code>earshot worker</code>.
        </p>
      </>
    )
  return (
    <>
      <h1>Background jobs</h1>
      <p class="lede">
        Polling, webhook ingestion and alerts run as jobs on pg-boss, shared by every{' '}
        <code>serve</code> and <code>worker</code> process on this database. Your organisation's
        jobs are counted per queue; system jobs (dispatchers, deliveries for several organisations)
        by count only.
      </p>
      <table class="queues">
        <thead>
          <tr>
            <th scope="col">Queue</th>
            <th scope="col">Waiting</th>
            <th scope="col">Retrying</th>
            <th scope="col">Running</th>
            <th scope="col">Done</th>
            <th scope="col">Failed</th>
            <th scope="col">Last done</th>
          </tr>
        </thead>
        <tbody>
          {overview.queues.map((q) => (
            <tr data-queue={q.queue} data-scope={q.scope}>
              <th scope="row">
                {q.queue}
                {q.scope === 'system' ? <span class="muted"> (system)</span> : null}
                <div class="muted">{QUEUE_LABELS[q.queue] ?? ''}</div>
              </th>
              <td>{q.counts.created}</td>
              <td>{q.counts.retry}</td>
              <td>{q.counts.active}</td>
              <td>{q.counts.completed}</td>
              <td
                class={q.counts.failed > 0 ? 'bad' : undefined}
                data-failed={String(q.counts.failed)}
              >
                {q.counts.failed}
              </td>
              <td>{q.lastCompletedAt ? formatDateTime(q.lastCompletedAt, timeZone) : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Running now</h2>
      {overview.running.length === 0 ? (
        <p class="muted">Nothing of yours is running.</p>
      ) : (
        <JobTable rows={overview.running} timeZone={timeZone} failed={false} />
      )}
      <h2>Recent failures</h2>
      {overview.failed.length === 0 ? (
        <p class="muted">No failed jobs.</p>
      ) : (
        <JobTable rows={overview.failed} timeZone={timeZone} failed={true} />
      )}
    </>
  )
}
