/**
 * @module `earshot demo`: the embedded database in a data folder, filled once with the demo
 * agency (generated and ingested through the real pipeline), then the dashboard on 127.0.0.1.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Database } from '@earshot/core'
import type { Kysely } from 'kysely'
import { DEMO_ORGANISATION, DEMO_PASSWORD, DEMO_USERS } from '../../demo/demo-practices.js'
import { seedDemo } from '../../demo/seed-demo.js'
import type { CliCommand } from '../cli-command.js'
import { CliError, EXIT_USAGE } from '../cli-error.js'
import { println } from '../cli-io.js'
import { openCliDatabase } from '../open-cli-database.js'
import { parseCommandArgs, parsePort } from '../parse-command-args.js'
import { createProgressBar } from '../progress-bar.js'
import { serveDashboard } from '../serve-dashboard.js'
import { DEFAULT_PORT, printUsage } from './serve-command.js'

/** Where `earshot demo` keeps its database unless told otherwise. */
export const DEFAULT_DEMO_DIR = '.earshot/demo'

export const demoCommand: CliCommand = {
  name: 'demo',
  usage: `Usage: earshot demo [--data DIR] [--port N] [--reset]

Creates an embedded database in DIR, fills it with 90 days of generated mentions for an
agency with four practices (first run only), and serves the dashboard on 127.0.0.1.
Sign in as ${DEMO_USERS[0].email} / ${DEMO_PASSWORD}.

Options:
  --data DIR   Data folder (default: ./${DEFAULT_DEMO_DIR})
  --port N     Port (default: $PORT or ${DEFAULT_PORT})
  --reset      Delete the folder's demo database and generate it again (with today's dates)
  --seed S     Random seed for the generated data (default 2026)
  --scale X    Volume of generated mentions relative to the default (e.g. 0.2 for a quick look)
  -h, --help   Show this help`,
  async run(args, io) {
    const { values } = parseCommandArgs('demo', args, {
      data: { type: 'string' },
      port: { type: 'string' },
      reset: { type: 'boolean' },
      seed: { type: 'string' },
      scale: { type: 'string' },
    })
    if (values.help) return printUsage(io, this.usage)
    const port = parsePort(
      values.port ?? io.env.PORT,
      DEFAULT_PORT,
      values.port ? '--port' : 'PORT',
    )
    const scale = values.scale === undefined ? 1 : Number(values.scale)
    if (!(scale > 0 && scale <= 10)) {
      throw new CliError(
        `--scale must be a number above 0 and at most 10, got "${values.scale}"`,
        EXIT_USAGE,
      )
    }
    const dir = resolve(io.cwd, values.data ?? DEFAULT_DEMO_DIR)
    if (values.reset) resetDataFolder(dir)
    const target = { kind: 'embedded' as const, dir, display: `embedded database in ${dir}` }
    println(io.stderr, `Opening the ${target.display} …`)
    const database = await openCliDatabase(target, { create: true })
    try {
      const state = await demoState(database.db)
      if (state === 'foreign') {
        throw new CliError(
          `${dir} holds other data, not the demo's`,
          undefined,
          'Point --data at a new folder for the demo; use `earshot serve` for your own data.',
        )
      }
      if (state === 'partial') {
        throw new CliError(
          `the demo database in ${dir} is incomplete (an earlier run was interrupted)`,
          undefined,
          'Run `earshot demo --reset` to generate it again.',
        )
      }
      if (state === 'empty') {
        println(io.stderr, 'Generating 90 days of demo data (first run only) …')
        const bar = createProgressBar(io.stderr, 'Ingesting mentions')
        const seed =
          values.seed === undefined
            ? undefined
            : /^\d+$/.test(values.seed)
              ? Number(values.seed)
              : values.seed
        const result = await seedDemo(database.db, {
          ...(seed !== undefined ? { seed } : {}),
          scale,
          onProgress: (done, total) => bar.update(done, total),
        })
        bar.finish()
        const mentions =
          result.ingested.inserted + result.ingested.updated + result.ingested.unchanged
        println(
          io.stderr,
          `Generated ${mentions.toLocaleString('en')} mentions for ${result.practices} practices on ${result.channels} channels in ${((result.generateMs + result.ingestMs) / 1000).toFixed(1)} s.`,
        )
      } else {
        println(
          io.stderr,
          `Using the existing demo data (\`earshot demo --reset\` regenerates it with today's dates).`,
        )
      }
    } catch (error) {
      await database.close()
      throw error
    }
    return serveDashboard(io, {
      database,
      port,
      host: '127.0.0.1',
      banner: [
        `Sign in:   ${DEMO_USERS[0].email} / ${DEMO_PASSWORD}   (agency admin)`,
        `Also:      ${DEMO_USERS[1].email} (practice manager), ${DEMO_USERS[2].email} (viewer), same password`,
        `Data:      ${dir}`,
      ],
    })
  },
}

/**
 * `empty`: nothing seeded; `complete`: the demo users exist (they are written last); `partial`:
 * in between; `foreign`: someone else's data, which the demo must not mix into.
 */
async function demoState(
  db: Kysely<Database>,
): Promise<'empty' | 'partial' | 'complete' | 'foreign'> {
  const org = await db
    .selectFrom('organisations')
    .select('id')
    .where('id', '=', DEMO_ORGANISATION.id)
    .executeTakeFirst()
  if (!org) {
    const other = await db.selectFrom('organisations').select('id').limit(1).executeTakeFirst()
    return other ? 'foreign' : 'empty'
  }
  const user = await db
    .selectFrom('users')
    .select('id')
    .where('organisation_id', '=', DEMO_ORGANISATION.id)
    .where('email', '=', DEMO_USERS[0].email)
    .executeTakeFirst()
  return user ? 'complete' : 'partial'
}

/**
 * Deletes a demo data folder, but only one that holds an embedded database (or nothing): a typo
 * in --data must not wipe someone's documents.
 */
function resetDataFolder(dir: string): void {
  if (!existsSync(dir)) return
  const entries = readdirSync(dir)
  if (entries.length > 0 && !existsSync(join(dir, 'PG_VERSION'))) {
    throw new CliError(
      `refusing to reset ${dir}: it does not look like an Earshot data folder (no PG_VERSION file)`,
    )
  }
  rmSync(dir, { recursive: true, force: true })
}
