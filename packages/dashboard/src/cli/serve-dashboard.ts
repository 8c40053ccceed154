/**
 * @module The part `earshot serve` and `earshot demo` share: build the app, listen, say where,
 * and stay up until stopped, closing the database on the way out.
 */

import { type EarshotDatabase, openReadReplica, type ReadReplica } from '@earshot/core'
import type { Context } from 'hono'
import { createDashboard } from '../app.js'
import { connectFlowsFromEnv } from '../connect/connect-config.js'
import type { DashboardEnv } from '../http/dashboard-env.js'
import { type JobSystem, startJobSystem } from '../jobs/job-system.js'
import { durableWebhookHandler, type Enqueue } from '../jobs/webhook-deliveries.js'
import { createSmtpMailSender, smtpConfigFromEnv } from '../mail/smtp-mail-sender.js'
import { ServerStartError, startServer } from '../server.js'
import { CliError } from './cli-error.js'
import { type CliIo, println } from './cli-io.js'

/** Options of {@link serveDashboard}. */
export interface ServeDashboardOptions {
  database: EarshotDatabase
  port: number
  host: string
  secureCookies?: boolean
  /**
   * Behind a reverse proxy: take the client's address from the last `X-Forwarded-For` entry
   * (the one the proxy itself appended), so sign-in rate limits apply per client, not per proxy.
   */
  trustProxy?: boolean
  /** The embedded database's data folder, for `/healthz`'s free-space check. */
  dataDir?: string
  /**
   * A streaming replica for pure read routes (`DATABASE_READ_URL`), checked every few seconds;
   * beyond `maxLagMs` (or down) reads use the primary. PostgreSQL only.
   */
  readReplica?: { url: string; maxLagMs?: number }
  /** Lines printed under the URL (logins, hints). */
  banner?: string[]
  /**
   * Run the background job workers in this process (default true). The embedded database must:
   * nothing else can open it. With PostgreSQL, `false` leaves the work to `earshot worker`s.
   */
  worker?: boolean
}

/**
 * Serves the dashboard until SIGINT/SIGTERM (or `io.stopSignal`), then closes the server and the
 * database. A busy port closes the database and becomes a {@link CliError} suggesting `--port`.
 */
export async function serveDashboard(io: CliIo, options: ServeDashboardOptions): Promise<number> {
  let jobs: Promise<JobSystem | undefined> = Promise.resolve(undefined)
  // Webhook deliveries are stored and answered at once; a job ingests them (docs/jobs.md).
  const enqueue: Enqueue = async (queue, data, sendOptions) => {
    const system = await jobs
    return system ? system.send(queue, data, sendOptions) : null
  }
  let replica: ReadReplica | undefined
  let stopChecks = () => {}
  if (options.readReplica) {
    replica = await openReadReplica({
      url: options.readReplica.url,
      primary: options.database.db,
      ...(options.readReplica.maxLagMs === undefined
        ? {}
        : { maxLagMs: options.readReplica.maxLagMs }),
    })
    // The first check decides before the first request; a replica down now is only reported.
    const first = await replica.check()
    if (first.state !== 'ok')
      println(io.stderr, `Read replica is ${first.state}: reads use the primary until it is ok.`)
    stopChecks = replica.start()
  }
  const closeReplica = async () => {
    stopChecks()
    await replica?.close().catch(() => {})
  }
  const app = createDashboard({
    db: options.database.db,
    ...(replica ? { readReplica: replica } : {}),
    webhookHandler: durableWebhookHandler(enqueue),
    connect: connectFlowsFromEnv(io.env),
    secureCookies: options.secureCookies ?? false,
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.trustProxy ? { clientIp: forwardedClientIp } : {}),
    ...dashboardMailOptions(io.env, options),
  })
  let server: Awaited<ReturnType<typeof startServer>>
  try {
    server = await startServer({
      app,
      port: options.port,
      host: options.host,
      // Running jobs finish (or are handed back to the queue) before the database closes.
      onClose: async () => {
        const running = await jobs.catch(() => undefined)
        await running?.stop().catch(() => {})
        await closeReplica()
        await options.database.close()
      },
      handleSignals: io.stopSignal === undefined,
    })
  } catch (error) {
    await closeReplica()
    await options.database.close()
    if (error instanceof ServerStartError && error.code === 'EADDRINUSE') {
      const suggestion = options.port === 0 ? 0 : options.port + 1
      throw new CliError(
        `port ${error.port} on ${error.host} is already in use (is earshot already running?)`,
        undefined,
        `Pick another port: --port ${suggestion} (or PORT=${suggestion}).`,
      )
    }
    if (error instanceof ServerStartError)
      throw new CliError(error.message, undefined, 'Pick another --port or --host.')
    throw error
  }
  if (io.stopSignal) {
    if (io.stopSignal.aborted) void server.close()
    else io.stopSignal.addEventListener('abort', () => void server.close(), { once: true })
  }
  // Without a worker the queue is still opened, to enqueue (webhook ingestion) for the workers.
  jobs = startJobSystem({
    database: options.database,
    work: options.worker !== false,
    instanceName: 'serve',
    onError: (error) => println(io.stderr, `jobs: ${error.message}`),
  })
  try {
    await jobs
  } catch (error) {
    await server.close()
    throw new CliError(`could not start the background jobs: ${(error as Error).message}`)
  }
  println(io.stdout, '')
  // 0.0.0.0 and :: are where it listens, not addresses a browser can open.
  const wildcard = server.host === '0.0.0.0' || server.host === '::'
  const shown = wildcard
    ? `http://127.0.0.1:${server.port}/ (listening on all interfaces)`
    : `${server.url}/`
  println(io.stdout, `  Earshot dashboard: ${shown}`)
  for (const line of options.banner ?? []) println(io.stdout, `  ${line}`)
  println(
    io.stdout,
    options.worker !== false
      ? '  Jobs:      background work runs in this process'
      : '  Jobs:      no worker here (run `earshot worker` against the same DATABASE_URL)',
  )
  println(io.stdout, '')
  println(io.stdout, '  Press Ctrl+C to stop.')
  await server.closed
  println(io.stderr, 'Stopped.')
  return 0
}

/** The address the nearest proxy saw; earlier entries are whatever the client claimed. */
export function forwardedClientIp(c: Context<DashboardEnv>): string {
  const forwarded = c.req.header('x-forwarded-for')
  const last = forwarded?.split(',').pop()?.trim()
  if (last) return last
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined
  return env?.incoming?.socket?.remoteAddress ?? 'unknown'
}

/**
 * Mail for invitations and password resets (`EARSHOT_SMTP_URL`, `EARSHOT_MAIL_FROM`) and the
 * address links in it point at (`EARSHOT_PUBLIC_URL`, else the address being served).
 */
function dashboardMailOptions(
  env: Record<string, string | undefined>,
  options: Pick<ServeDashboardOptions, 'host' | 'port'>,
): { mail?: ReturnType<typeof createSmtpMailSender>; publicUrl: string } {
  const smtp = smtpConfigFromEnv(env)
  const host = options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host
  return {
    ...(smtp ? { mail: createSmtpMailSender(smtp) } : {}),
    publicUrl: env.EARSHOT_PUBLIC_URL?.trim() || `http://${host}:${options.port}`,
  }
}
