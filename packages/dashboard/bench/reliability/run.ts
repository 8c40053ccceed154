/**
 * Reliability run (issue 13, "Measure and report"): the real `earshot serve` and `earshot import`
 * against a real PostgreSQL 15, put through cross-tenant requests, malformed bodies, concurrent
 * password guesses, oversized bodies, database faults and SIGKILLed imports. Prints METRIC lines
 * and exits 1 when a target is missed. A script, not a unit test (several minutes, needs
 * PostgreSQL's binaries and, for the disk-full trial, root to mount a tmpfs).
 *
 *   npm run reliability                        (starts its own PostgreSQL; see docs/reliability.md)
 *   RELIABILITY_SEED=7 RELIABILITY_IMPORT_ROWS=200000 RELIABILITY_IMPORT_KILLS=10 npm run reliability
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { crossTenant, fuzzRoutes, guesses, oversizedBodies } from './attacks.js'
import {
  diskFull,
  readOnly,
  slowLock,
  stopAndStart,
  type TrialResult,
  terminateUnderLoad,
} from './faults.js'
import { freePort, log, PgServer, ServeProcess, seedRandom } from './harness.js'
import { importFuzz, importKill, importUnderTermination } from './imports.js'
import { seedWorld } from './seed.js'

const adminUrl = process.env.EARSHOT_TEST_DATABASE_URL ?? process.env.EARSHOT_BENCH_DATABASE_URL
if (!adminUrl) {
  console.error('set EARSHOT_TEST_DATABASE_URL (or run through scripts/with-postgres.mjs)')
  process.exit(2)
}
const SEED = Number(process.env.RELIABILITY_SEED ?? Date.now() % 100_000)
const IMPORT_ROWS = Number(process.env.RELIABILITY_IMPORT_ROWS ?? 10_000)
const IMPORT_KILLS = Number(process.env.RELIABILITY_IMPORT_KILLS ?? 4)
/** Only some trials, e.g. RELIABILITY_ONLY=faults,guesses (for working on one). */
const ONLY = new Set((process.env.RELIABILITY_ONLY ?? '').split(',').filter(Boolean))
const runs = (name: string) => ONLY.size === 0 || ONLY.has(name)

const metric = (name: string, value: number | string) =>
  console.log(`METRIC reliability.${name} ${value}`)
const tally = (m: Map<number, number>) =>
  [...m.entries()]
    .sort((x, y) => x[0] - y[0])
    .map(([s, n]) => `${s}×${n}`)
    .join(' ')

async function main(): Promise<number> {
  seedRandom(SEED)
  const started = Date.now()
  const pgServer = await PgServer.attach(adminUrl!)
  const database = `earshot_reliability_${randomBytes(3).toString('hex')}`
  await pgServer.sql(`create database ${database}`)
  const url = new URL(adminUrl!)
  url.pathname = `/${database}`
  const databaseUrl = url.toString()
  const env = {
    DATABASE_URL: databaseUrl,
    EARSHOT_SECRET_KEY: randomBytes(32).toString('base64'),
    // The guess trial spreads guesses over addresses; behind a proxy that is what the server sees.
    EARSHOT_TRUST_PROXY: '1',
    EARSHOT_PUBLIC_URL: 'http://127.0.0.1',
  }
  process.env.EARSHOT_SECRET_KEY = env.EARSHOT_SECRET_KEY
  log(
    `seed ${SEED}, database ${database}, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  )
  const world = await seedWorld(databaseUrl)
  const serve = new ServeProcess(await freePort(), env)
  await serve.start()
  log(`serve up on ${serve.url} (pid ${serve.pid})`)
  const dir = mkdtempSync(join(tmpdir(), 'earshot-reliability-'))
  const failures: string[] = []
  let code = 0
  // Totals over the import trials (SIGKILLed runs, cut connections) and crashes of the import.
  let lost = 0
  let duplicated = 0
  let importCrashes = 0
  try {
    // ------------------------------------------------------------ cross-tenant
    if (runs('leaks')) {
      const bTokens = await pgServer.sql<{ id: string }>(
        'select id from api_tokens where organisation_id = $1',
        [world.b.orgId],
        database,
      )
      const leaks = await crossTenant(serve, world, {
        tokenId: bTokens.map((t) => t.id),
        outboxId: ['no-such-reply'],
      })
      log(`cross-tenant: ${leaks.requests} requests, answers ${tally(leaks.statuses)}`)
      for (const l of leaks.leaks.slice(0, 20)) log(`  LEAK ${l}`)
      metric('cross_tenant_requests', leaks.requests)
      metric('leaks', leaks.leaks.length)
      if (leaks.leaks.length) failures.push(`${leaks.leaks.length} cross-tenant leaks`)
      await serve.ensureRunning()
    }

    // ------------------------------------------------------------ fuzz
    if (runs('fuzz')) {
      const fuzz = await fuzzRoutes(serve, world)
      log(`fuzz: ${fuzz.cases} cases on ${fuzz.routes} routes`)
      const kinds = new Map<string, number>()
      for (const x of [...fuzz.fiveXx, ...fuzz.noAnswer]) {
        const kind = x.replace(/\/[0-9a-f-]{36}/g, '/:id').replace(/\] → (\d+).*$/s, '] → $1')
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1)
      }
      for (const [kind, n] of kinds) log(`  FUZZ ${n}× ${kind}`)
      for (const x of [...fuzz.fiveXx, ...fuzz.noAnswer].slice(0, 3)) log(`  e.g. ${x}`)
      metric('fuzz_routes', fuzz.routes)
      metric('fuzz_cases', fuzz.cases)
      metric('fuzz_5xx', fuzz.fiveXx.length)
      metric('fuzz_no_answer', fuzz.noAnswer.length)
      if (fuzz.fiveXx.length) failures.push(`${fuzz.fiveXx.length} fuzz cases answered 5xx`)
      if (fuzz.noAnswer.length) failures.push(`${fuzz.noAnswer.length} fuzz cases got no answer`)
      await serve.ensureRunning()
      const files = await importFuzz(pgServer, env, database, world.f.importChannel, dir)
      for (const c of files.crashes) log(`  IMPORT CRASH ${c}`)
      metric('fuzz_files', files.files)
      metric('fuzz_file_crashes', files.crashes.length)
      metric('fuzz_file_good_rows_lost', files.lost)
      if (files.crashes.length)
        failures.push(`${files.crashes.length} fuzzed import files crashed the import`)
      if (files.lost) failures.push(`${files.lost} good rows of fuzzed files lost`)
    }

    // ------------------------------------------------------------ guesses
    if (runs('guesses')) {
      const g = await guesses(serve, world.b.adminEmail)
      log(
        `guesses: one account from 200 addresses ${tally(g.accountStatuses)}; spray of 150 e-mails from one address ${tally(g.sprayStatuses)}`,
      )
      metric('guesses_account_admitted', g.accountAdmitted)
      metric('guesses_account_limit', g.accountLimit)
      metric('guesses_spray_admitted', g.sprayAdmitted)
      metric('guesses_spray_limit', g.sprayLimit)
      metric('guesses_admitted', g.accountAdmitted + g.sprayAdmitted)
      metric('guess_limit', g.accountLimit + g.sprayLimit)
      if (g.accountAdmitted > g.accountLimit)
        failures.push(
          `${g.accountAdmitted} guesses at one account admitted (limit ${g.accountLimit})`,
        )
      if (g.sprayAdmitted > g.sprayLimit)
        failures.push(`${g.sprayAdmitted} sprayed guesses admitted (limit ${g.sprayLimit})`)
      await serve.ensureRunning()
    }

    // ------------------------------------------------------------ memory
    if (runs('memory')) {
      const m = await oversizedBodies(serve, world)
      log(
        `oversized bodies: answers ${m.statuses.join(',')}; RSS ${m.baselineMb.toFixed(0)} → peak ${m.peakMb.toFixed(0)} MB; VmHWM ${m.hwmBeforeMb.toFixed(0)} → ${m.hwmAfterMb.toFixed(0)} MB`,
      )
      metric('baseline_rss_mb', m.baselineMb.toFixed(0))
      metric('peak_rss_mb', m.peakMb.toFixed(0))
      metric('hwm_mb', m.hwmAfterMb.toFixed(0))
      // 1.2 GB of bodies went out; a bounded server grows by buffers, not by the bodies.
      if (m.peakMb - m.baselineMb > 150)
        failures.push(
          `memory grew ${(m.peakMb - m.baselineMb).toFixed(0)} MB under oversized bodies`,
        )
      await serve.ensureRunning()
    }

    // ------------------------------------------------------------ faults
    if (runs('faults')) {
      const trials: TrialResult[] = []
      const record = (t: TrialResult) => {
        trials.push(t)
        log(
          `trial ${t.name}: ${t.skipped ? `SKIPPED (${t.skipped})` : t.survived ? 'survived' : 'FAILED'} ${t.detail}`,
        )
      }
      for (let i = 1; i <= 3; i++) {
        record(await terminateUnderLoad(pgServer, serve, world, database, i))
        await serve.ensureRunning()
      }
      for (let i = 1; i <= 2; i++) {
        record(await stopAndStart(pgServer, serve, world, i))
        await serve.ensureRunning()
      }
      record(await readOnly(pgServer, serve, world))
      await serve.ensureRunning()
      record(await slowLock(pgServer, serve, world, database, 8_000))
      await serve.ensureRunning()
      record(await diskFull(pgServer, serve, world, database))
      await serve.ensureRunning()
      const ran = trials.filter((t) => !t.skipped)
      const survived = ran.filter((t) => t.survived).length
      metric('fault_trials', ran.length)
      metric('fault_trials_survived', survived)
      metric('fault_trials_skipped', trials.length - ran.length)
      if (survived < ran.length)
        failures.push(
          `fault trials not survived: ${ran
            .filter((t) => !t.survived)
            .map((t) => t.name)
            .join(', ')}`,
        )
    }

    // ------------------------------------------------------------ import kill
    if (runs('import')) {
      const k = await importKill(
        pgServer,
        env,
        database,
        world.a.importChannel,
        dir,
        IMPORT_ROWS,
        IMPORT_KILLS,
      )
      metric('import_rows', k.rows)
      metric('import_kills', k.killedMidway)
      metric('import_kill_lost', k.lost)
      metric('import_kill_duplicated', k.duplicated)
      lost += k.lost
      duplicated += k.duplicated
      if (k.lost) failures.push(`${k.lost} imported rows lost`)
      if (k.duplicated) failures.push(`${k.duplicated} imported rows duplicated`)
      if (!k.finalOk) failures.push('the final import run failed')
      const cut = await importUnderTermination(
        pgServer,
        env,
        database,
        world.a.importChannel,
        dir,
        Math.min(IMPORT_ROWS, 5_000),
      )
      log(`import under terminated connections: ${cut.detail}`)
      importCrashes += cut.crashed ? 1 : 0
      metric('import_cut_lost', cut.lost)
      metric('import_cut_duplicated', cut.duplicated)
      lost += cut.lost
      duplicated += cut.duplicated
      if (cut.crashed)
        failures.push(`the import crashed when its connections were cut: ${cut.cutRun}`)
      if (!cut.finalOk) failures.push('the import rerun after cut connections failed')
      metric('lost', lost)
      metric('duplicated', duplicated)
    }
  } catch (error) {
    failures.push(`run aborted: ${(error as Error).stack}`)
  } finally {
    await serve.stop()
    rmSync(dir, { recursive: true, force: true })
  }
  metric('crashes', serve.exits.length + importCrashes)
  if (serve.exits.length) failures.push(`${serve.exits.length} server crashes`)
  metric('seconds', ((Date.now() - started) / 1000).toFixed(0))
  metric('seed', SEED)
  if (failures.length) {
    code = 1
    for (const f of failures) log(`TARGET MISSED: ${f}`)
  } else log('every target met')
  return code
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error)
    process.exit(1)
  },
)
