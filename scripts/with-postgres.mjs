#!/usr/bin/env node
// Starts a throw-away PostgreSQL server (initdb + pg_ctl, loopback only, data in a temp folder,
// as the `postgres` user when run as root), runs the given command with
// EARSHOT_TEST_DATABASE_URL and EARSHOT_BENCH_DATABASE_URL pointing at it, and stops the server
// whatever happens.  A streaming replica of it (pg_basebackup -R, on another free loopback port)
// runs beside it for the read-replica tests: EARSHOT_TEST_READ_DATABASE_URL (EARSHOT_PG_REPLICA=0
// leaves it out).  Usage: node scripts/with-postgres.mjs -- <command> [args…]
import { execFileSync, spawn } from 'node:child_process'
import { chmodSync, chownSync, copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const args = process.argv.slice(2)
const command = args[0] === '--' ? args.slice(1) : args
if (command.length === 0) {
  console.error('usage: node scripts/with-postgres.mjs -- <command> [args…]')
  process.exit(2)
}
const bin = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin'
if (!existsSync(join(bin, 'pg_ctl'))) {
  console.error(`PostgreSQL binaries not found in ${bin} (set PG_BIN)`)
  process.exit(2)
}

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer()
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
const port = await freePort()
const withReplica = process.env.EARSHOT_PG_REPLICA !== '0'
const replicaPort = withReplica ? await freePort() : undefined
const dir = mkdtempSync(join(tmpdir(), 'earshot-pg-'))
const data = join(dir, 'data')
const replicaData = join(dir, 'replica')
const isRoot = process.getuid?.() === 0
if (isRoot) {
  chmodSync(dir, 0o755)
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString())
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString())
  chownSync(dir, uid, gid)
}
// PostgreSQL refuses to run as root, so its tools run as the postgres user then.
const pg = (tool, toolArgs, options = {}) =>
  execFileSync(
    isRoot ? 'runuser' : join(bin, tool),
    isRoot ? ['-u', 'postgres', '--', join(bin, tool), ...toolArgs] : toolArgs,
    { stdio: ['ignore', 'ignore', 'inherit'], ...options },
  )

let started = false
let replicaStarted = false
const stop = () => {
  if (replicaStarted) {
    try {
      pg('pg_ctl', ['-D', replicaData, '-m', 'immediate', 'stop'])
    } catch {}
    replicaStarted = false
  }
  if (started) {
    try {
      pg('pg_ctl', ['-D', data, '-m', 'immediate', 'stop'])
    } catch {}
    started = false
  }
  // EARSHOT_PG_LOG=FILE keeps the server log (e.g. with auto_explain in EARSHOT_PG_OPTIONS).
  if (process.env.EARSHOT_PG_LOG) {
    try {
      copyFileSync(join(dir, 'server.log'), process.env.EARSHOT_PG_LOG)
    } catch {}
  }
  rmSync(dir, { recursive: true, force: true })
}

let code = 1
try {
  pg('initdb', ['-D', data, '-U', 'earshot', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8'])
  pg('pg_ctl', [
    '-D',
    data,
    '-l',
    join(dir, 'server.log'),
    '-w',
    '-o',
    // wal_level=replica and WAL senders let the replica stream (initdb's pg_hba trusts
    // replication connections from loopback already).
    `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${dir} -c fsync=off -c synchronous_commit=off -c max_connections=200 -c wal_level=replica -c max_wal_senders=4 ${process.env.EARSHOT_PG_OPTIONS ?? ''}`,
    'start',
  ])
  started = true
  pg('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'earshot', 'earshot_test'])
  const url = `postgres://earshot@127.0.0.1:${port}/earshot_test`
  console.log(`PostgreSQL 15 on 127.0.0.1:${port} (data in ${dir})`)
  const env = { ...process.env, EARSHOT_TEST_DATABASE_URL: url, EARSHOT_BENCH_DATABASE_URL: url }
  if (withReplica) {
    // A hot standby needs max_connections at least the primary's.
    // A copy of the primary that writes standby.signal and primary_conninfo (-R), so it starts
    // as a hot standby streaming from the primary; -X stream carries the WAL of the copy itself.
    pg('pg_basebackup', [
      '-h',
      '127.0.0.1',
      '-p',
      String(port),
      '-U',
      'earshot',
      '-D',
      replicaData,
      '-R',
      '-X',
      'stream',
      '-c',
      'fast',
    ])
    pg('pg_ctl', [
      '-D',
      replicaData,
      '-l',
      join(dir, 'replica.log'),
      '-w',
      '-o',
      `-c listen_addresses=127.0.0.1 -c port=${replicaPort} -c unix_socket_directories=${dir} -c fsync=off -c hot_standby=on -c max_connections=200`,
      'start',
    ])
    replicaStarted = true
    env.EARSHOT_TEST_READ_DATABASE_URL = `postgres://earshot@127.0.0.1:${replicaPort}/earshot_test`
    console.log(`PostgreSQL 15 streaming replica on 127.0.0.1:${replicaPort}`)
  }
  const child = spawn(command[0], command.slice(1), { stdio: 'inherit', env })
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
  code = await new Promise((resolve) => child.on('exit', (c, s) => resolve(c ?? (s ? 1 : 0))))
} catch (error) {
  console.error(`could not start PostgreSQL: ${error.message}`)
} finally {
  stop()
}
process.exit(code)
