/**
 * @module The `earshot` command line: dispatches to subcommands (loaded on demand, so `--help`
 * stays fast and a command's dependencies load only when it runs) and turns expected failures
 * into one clear message and a non-zero exit code.
 */
import { type DatabaseFault, databaseFaultOf, isEarshotError } from '@earshot/core'
import type { CliCommand } from './cli-command.js'
import { CliError, EXIT_FAILURE, EXIT_USAGE } from './cli-error.js'
import { type CliIo, println, processIo } from './cli-io.js'

interface CommandEntry {
  summary: string
  load: () => Promise<CliCommand>
}

/** Every subcommand, in the order `earshot --help` lists them. */
const COMMANDS: Record<string, CommandEntry> = {
  demo: {
    summary: 'Generate a realistic demo agency (first run only) and serve the dashboard',
    load: async () => (await import('./commands/demo-command.js')).demoCommand,
  },
  serve: {
    summary: 'Serve the dashboard, API and webhooks (PostgreSQL or an embedded data folder)',
    load: async () => (await import('./commands/serve-command.js')).serveCommand,
  },
  worker: {
    summary: 'Run background jobs (polls, webhooks, reports) beside serve, against DATABASE_URL',
    load: async () => (await import('./commands/worker-command.js')).workerCommand,
  },
  migrate: {
    summary: 'Create or upgrade the database schema',
    load: async () => (await import('./commands/migrate-command.js')).migrateCommand,
  },
  collect: {
    summary: 'Poll every channel that is due (--once: one round, for cron)',
    load: async () => (await import('./commands/collect-command.js')).collectCommand,
  },
  import: {
    summary: 'Import mentions from a CSV or JSON file into a channel',
    load: async () => (await import('./commands/import-command.js')).importCommand,
  },
  user: {
    summary: 'Add a dashboard user (earshot user add --help)',
    load: async () => (await import('./commands/user-add-command.js')).userAddCommand,
  },
  practice: {
    summary:
      'Add or list practices: time zone, holidays, opening hours, promise (earshot practice --help)',
    load: async () => (await import('./commands/practice-command.js')).practiceCommand,
  },
  channel: {
    summary: 'Add or list channels, with a pasted token stored encrypted (earshot channel --help)',
    load: async () => (await import('./commands/channel-command.js')).channelCommand,
  },
  token: {
    summary: 'Create, list or revoke API tokens (earshot token --help)',
    load: async () => (await import('./commands/token-command.js')).tokenCommand,
  },
  secrets: {
    summary: 'Re-encrypt stored channel tokens with the current key (earshot secrets rotate)',
    load: async () => (await import('./commands/secrets-command.js')).secretsCommand,
  },
  reenrich: {
    summary: 'Re-enrich mentions classified by an older enricher version, re-evaluate their SLA',
    load: async () => (await import('./commands/reenrich-command.js')).reenrichCommand,
  },
  erase: {
    summary: "Erase one person's data on request (earshot erase --help; --dry-run shows counts)",
    load: async () => (await import('./commands/erase-command.js')).eraseCommand,
  },
  classify: {
    summary: 'Triage and score texts from stdin without a database',
    load: async () => (await import('./commands/classify-command.js')).classifyCommand,
  },
}

/** The text of `earshot --help`. */
export function mainUsage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length))
  const lines = Object.entries(COMMANDS).map(
    ([name, c]) => `  ${name.padEnd(width)}   ${c.summary}`,
  )
  return `Earshot: social listening and response-time (SLA) analytics for health practices.

Usage: earshot <command> [options]

Commands:
${lines.join('\n')}

Run \`earshot <command> --help\` for a command's options.

Quick start:
  earshot demo            demo data + dashboard on http://127.0.0.1:3000
  earshot serve           your own data (DATABASE_URL=postgres://… or EARSHOT_DATA_DIR)`
}

/**
 * Runs the CLI with `argv` (without `node` and the script) and returns the exit code. Never
 * throws for expected failures; prints them to `io.stderr`.
 *
 * @example
 * process.exitCode = await runCli(process.argv.slice(2))
 */
export async function runCli(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...args] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const out = name === undefined ? io.stderr : io.stdout
    println(out, mainUsage())
    return name === undefined ? EXIT_USAGE : 0
  }
  if (name === '--version' || name === '-v') {
    println(io.stdout, await version())
    return 0
  }
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined
  if (!entry) {
    println(io.stderr, `earshot: unknown command "${name}"`)
    println(io.stderr, `Commands: ${Object.keys(COMMANDS).join(', ')}. Run \`earshot --help\`.`)
    return EXIT_USAGE
  }
  try {
    const command = await entry.load()
    return await command.run(args, io)
  } catch (error) {
    return reportError(io, error)
  }
}

const DATABASE_FAULT_WORDS: Record<DatabaseFault, string> = {
  down: 'the database connection was lost (the server went away or the connection was terminated)',
  unavailable: 'the database is not reachable',
  'read-only': 'the database is read-only, so nothing could be written',
  slow: 'the database did not answer in time',
  'disk-full': "the database's disk is full, so nothing more could be written",
}

/** Prints an error the way a user should see it and returns the exit code. */
export function reportError(io: CliIo, error: unknown): number {
  if (error instanceof CliError) {
    println(io.stderr, `earshot: ${error.message}`)
    if (error.hint) println(io.stderr, error.hint)
    return error.exitCode
  }
  if (isEarshotError(error)) {
    // Library errors carry messages written for people; their stacks help nobody here.
    println(io.stderr, `earshot: ${error.message}`)
    return EXIT_FAILURE
  }
  const fault = databaseFaultOf(error)
  if (fault) {
    // An outage, not a bug: say what happened and what to do; the driver's stack (with the
    // database address) helps nobody.
    println(io.stderr, `earshot: ${DATABASE_FAULT_WORDS[fault]}`)
    println(
      io.stderr,
      'Work is committed batch by batch: run the same command again once the database is back (an import continues without duplicates).',
    )
    return EXIT_FAILURE
  }
  println(io.stderr, 'earshot: unexpected error (please report it with the lines below)')
  println(io.stderr, error instanceof Error ? (error.stack ?? error.message) : String(error))
  return EXIT_FAILURE
}

async function version(): Promise<string> {
  const { readFile } = await import('node:fs/promises')
  // dist/cli.js and src/cli/run-cli.ts are both one or two levels below the package root.
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(await readFile(new URL(rel, import.meta.url), 'utf8')) as {
        name?: string
        version?: string
      }
      if (pkg.name === '@earshot/dashboard') return `earshot ${pkg.version}`
    } catch {
      // try the next location
    }
  }
  return 'earshot (unknown version)'
}
