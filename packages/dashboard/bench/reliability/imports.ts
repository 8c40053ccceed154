/**
 * @module `earshot import` under SIGKILL (killed at random points, rerun, then compared with the
 * file row by row) and fed hostile files (Latin-1, binary, bad rows among good ones).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { DASHBOARD_DIR, log, type PgServer, random, sleep } from './harness.js'

interface ImportRun {
  code: number | null
  signal: string | null
  stdout: string
  stderr: string
  ms: number
}

function runImport(
  env: Record<string, string>,
  file: string,
  channel: string,
  extra: string[] = [],
  killAfterMs?: number,
  watch?: (child: ChildProcess) => Promise<void>,
): Promise<ImportRun> {
  return new Promise((resolve) => {
    const started = Date.now()
    const child = spawn(
      process.execPath,
      [
        '--conditions=@earshot/source',
        '--import',
        'tsx',
        'src/cli.ts',
        'import',
        file,
        '--channel',
        channel,
        ...extra,
      ],
      { cwd: DASHBOARD_DIR, env: { ...process.env, ...env }, stdio: 'pipe' },
    )
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c) => {
      stdout += c
    })
    child.stderr.on('data', (c) => {
      stderr = (stderr + c).slice(-20_000)
    })
    const timer =
      killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs)
    void watch?.(child)
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started })
    })
  })
}

/** Writes `rows` good CSV rows with ids `<prefix>N`, one every `stepMs` from `from`. */
function writeImportCsv(
  file: string,
  prefix: string,
  rows: number,
  from: string,
  stepMs: number,
  text: string,
): void {
  const lines = ['external_id,created_at,author_id,author_name,text']
  const base = Date.parse(from)
  for (let n = 0; n < rows; n++)
    lines.push(
      `${prefix}${n},${new Date(base + n * stepMs).toISOString()},${prefix}author-${n % 997},"Patient ${n % 997}","Row ${n}: ${text}"`,
    )
  writeFileSync(file, `${lines.join('\n')}\n`)
}

/** Mentions per external id of the channel whose id starts with `prefix`. */
function perIdCounts(pgServer: PgServer, database: string, channel: string, prefix: string) {
  return pgServer.sql<{ external_id: string; n: string }>(
    "select external_id, count(*) as n from mentions where channel_id = $1 and external_id like $2 || '%' group by external_id",
    [channel, prefix],
    database,
  )
}

/** How many of the channel's mentions have an id starting with `prefix`. */
async function storedCount(pgServer: PgServer, database: string, channel: string, prefix: string) {
  const counted = await pgServer.sql<{ n: string }>(
    "select count(*) as n from mentions where channel_id = $1 and external_id like $2 || '%'",
    [channel, prefix],
    database,
  )
  return Number(counted[0]?.n ?? 0)
}

/** Rows of the file (`<prefix>0` … `<prefix>rows-1`) missing, and extra copies, among `perId`. */
function lostAndDuplicated(
  perId: { external_id: string; n: string }[],
  prefix: string,
  rows: number,
) {
  const have = new Set(perId.map((r) => r.external_id))
  let lost = 0
  for (let n = 0; n < rows; n++) if (!have.has(`${prefix}${n}`)) lost++
  return { lost, duplicated: perId.reduce((s, r) => s + Number(r.n) - 1, 0) }
}

export interface ImportKillResult {
  rows: number
  kills: number
  killedMidway: number
  lost: number
  duplicated: number
  finalOk: boolean
  detail: string
}

export async function importKill(
  pgServer: PgServer,
  env: Record<string, string>,
  database: string,
  channel: string,
  dir: string,
  rows: number,
  kills: number,
): Promise<ImportKillResult> {
  const file = join(dir, 'import-kill.csv')
  writeImportCsv(
    file,
    'imp-',
    rows,
    '2026-10-01T00:00:00Z',
    37_000,
    'can I book a check-up, please?',
  )
  // Kill points spread over the whole file: each run is SIGKILLed once the channel holds a
  // random share of the rows (rising, as a rerun reads the file from the start again).
  const shares = Array.from({ length: kills }, () => 0.05 + random() * 0.9).sort((x, y) => x - y)
  // Every mention of the channel (not only imp-…), so a row stored under another id shows.
  const stored = () => storedCount(pgServer, database, channel, '')
  let killedMidway = 0
  const notes: string[] = []
  for (const [k, share] of shares.entries()) {
    // Past what earlier runs stored, so every kill interrupts new writes, not the start-up.
    const target = Math.max(Math.floor(share * rows), (await stored()) + 1)
    const running = runImport(env, file, channel, [], undefined, async (child) => {
      // A little random time past the target, so the kill lands inside a batch as often as between.
      while (child.exitCode === null && (await stored()) < target) await sleep(100)
      await sleep(random() * 400)
      child.kill('SIGKILL')
    })
    const run = await running
    if (run.signal === 'SIGKILL') killedMidway++
    notes.push(
      `kill ${k + 1} at ${target} rows: ${run.signal ?? `exit ${run.code}`}, ${await stored()} rows stored`,
    )
    log(notes.at(-1))
  }
  const final = await runImport(env, file, channel)
  notes.push(
    `final run: exit ${final.code ?? final.signal} in ${final.ms} ms: ${final.stdout.trim().split('\n').at(-1)}`,
  )
  log(notes.at(-1))
  const perId = await perIdCounts(pgServer, database, channel, '')
  const { lost, duplicated } = lostAndDuplicated(perId, 'imp-', rows)
  // The unique key would hide a duplicate row; a second mention per row under another id would not.
  const extra = perId.filter((r) => !/^imp-\d+$/.test(r.external_id)).length
  return {
    rows,
    kills,
    killedMidway,
    lost,
    duplicated: duplicated + extra,
    finalOk: final.code === 0,
    detail: notes.join('; '),
  }
}

export interface ImportFuzzResult {
  files: number
  crashes: string[]
  lost: number
  detail: string[]
}

/** A crash: killed by a signal, an exit code other than 0/1, or a raw stack trace. */
function crashOf(run: ImportRun): string | undefined {
  if (run.signal) return `signal ${run.signal}`
  if (run.code !== 0 && run.code !== 1) return `exit ${run.code}`
  if (/^\s+at .+:\d+:\d+\)?$/m.test(run.stderr)) return 'stack trace'
  return undefined
}

export async function importFuzz(
  pgServer: PgServer,
  env: Record<string, string>,
  database: string,
  channel: string,
  dir: string,
): Promise<ImportFuzzResult> {
  const result: ImportFuzzResult = { files: 0, crashes: [], lost: 0, detail: [] }
  const good = (tag: string, n: number) => ({
    external_id: `${tag}-good-${n}`,
    created_at: '2026-11-02T10:00:00Z',
    author_id: 'fz',
    text: `good row ${n}`,
  })
  const hostile: Record<string, unknown>[] = [
    { external_id: 'nul\u0000id', created_at: '2026-11-02T10:00:00Z', text: 'nul id' },
    {
      external_id: 'surrogate',
      created_at: '2026-11-02T10:00:00Z',
      text: 'lone \ud800 surrogate',
      author_name: '\udfff',
    },
    { external_id: 'far-date', created_at: '99999-01-01T00:00:00Z', text: 'far future' },
    { external_id: 'neg-date', created_at: '-1e300', text: 'negative' },
    { external_id: '', created_at: '2026-11-02T10:00:00Z', text: 'no id' },
    { created_at: '2026-11-02T10:00:00Z', text: 'missing id' },
    { external_id: 'no-date', text: 'missing date' },
    {
      external_id: 'deep',
      created_at: '2026-11-02T10:00:00Z',
      text: 'deep',
      extra: JSON.parse(`${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}`),
    },
    {
      external_id: 'types',
      created_at: { nope: true },
      text: ['a', 1],
      author: 7,
      rating: 'lots',
      kind: 'spaceship',
    },
    { external_id: 'x'.repeat(100_000), created_at: '2026-11-02T10:00:00Z', text: 'long id' },
    { external_id: 'huge-text', created_at: '2026-11-02T10:00:00Z', text: 'y'.repeat(2_000_000) },
    {
      external_id: 'thread-nul',
      created_at: '2026-11-02T10:00:00Z',
      thread_key: 'a\u0000b',
      author_handle: '\u0000',
    },
  ]
  // JSON Lines: hostile rows between good ones; every good row must land.
  const mixed: string[] = []
  let goods = 0
  for (const [i, h] of hostile.entries()) {
    mixed.push(JSON.stringify(good('jsonl', goods++)))
    mixed.push(JSON.stringify(h))
    if (i % 3 === 0) mixed.push('{"external_id": "broken json", ')
  }
  mixed.push(JSON.stringify(good('jsonl', goods++)))
  const files: {
    name: string
    content: Buffer
    extra?: string[]
    goodIds: string[]
    expect: string
  }[] = [
    {
      name: 'bad-rows.jsonl',
      content: Buffer.from(mixed.join('\n')),
      goodIds: Array.from({ length: goods }, (_, n) => `jsonl-good-${n}`),
      expect: 'good rows land, bad ones quarantined',
    },
    {
      name: 'bad-rows.csv',
      content: Buffer.from(
        [
          'external_id,created_at,text',
          'csv-good-0,2026-11-02T10:00:00Z,fine',
          'csv-good-1,2026-11-02T10:00:00Z,fine again',
          'only-one-column',
          ',,,,,,,,,,,',
          'csv-bad-date,not a date,text',
          'csv-good-2,2026-11-02T10:00:00Z,"multi\nline"',
          'csv-nul\u0000,2026-11-02T10:00:00Z,nul',
          // Last: an unterminated quote runs to the end of the file (CSV), swallowing what follows.
          '"unterminated,2026-11-02T10:00:00Z,quote',
        ].join('\n'),
      ),
      goodIds: ['csv-good-0', 'csv-good-1', 'csv-good-2'],
      expect: 'good rows land',
    },
    {
      name: 'latin1.csv',
      content: Buffer.from(
        'external_id,created_at,text\nlat-1,2026-11-02T10:00:00Z,Caf\xe9 na\xefve r\xe9sum\xe9\n',
        'latin1',
      ),
      goodIds: [],
      expect: 'refused clearly (not UTF-8)',
    },
    {
      name: 'latin1-declared.csv',
      content: Buffer.from(
        'external_id,created_at,text\nlat-2,2026-11-02T10:00:00Z,Caf\xe9 na\xefve\n',
        'latin1',
      ),
      extra: ['--encoding', 'latin1'],
      goodIds: ['lat-2'],
      expect: 'lands with --encoding latin1',
    },
    {
      name: 'binary.csv',
      content: Buffer.from(Array.from({ length: 65536 }, () => Math.floor(random() * 256))),
      goodIds: [],
      expect: 'refused or quarantined',
    },
    {
      name: 'binary.json',
      content: Buffer.from(Array.from({ length: 65536 }, () => Math.floor(random() * 256))),
      goodIds: [],
      expect: 'refused or quarantined',
    },
    {
      name: 'not-an-array.json',
      content: Buffer.from('{"external_id": 1}'),
      goodIds: [],
      expect: 'refused or quarantined',
    },
    {
      name: 'deep.json',
      content: Buffer.from(`[${'['.repeat(50_000)}${']'.repeat(50_000)}]`),
      goodIds: [],
      expect: 'refused or quarantined',
    },
    { name: 'empty.csv', content: Buffer.alloc(0), goodIds: [], expect: 'nothing imported' },
  ]
  for (const f of files) {
    const path = join(dir, f.name)
    writeFileSync(path, f.content)
    const run = await runImport(env, path, channel, f.extra ?? [])
    result.files++
    const crash = crashOf(run)
    if (crash) result.crashes.push(`${f.name}: ${crash}: ${run.stderr.slice(-400)}`)
    let lost = 0
    if (f.goodIds.length) {
      const rows = await pgServer.sql<{ external_id: string }>(
        'select external_id from mentions where channel_id = $1 and external_id = any($2)',
        [channel, f.goodIds],
        database,
      )
      lost = f.goodIds.length - rows.length
    }
    result.lost += lost
    const said = (
      run.stdout.trim().split('\n').at(-1) ||
      run.stderr.trim().split('\n')[0] ||
      ''
    ).slice(0, 160)
    result.detail.push(
      `${f.name} (${f.expect}): exit ${run.code ?? run.signal}, ${lost} good rows lost: ${said}`,
    )
    log(result.detail.at(-1))
    await sleep(0)
  }
  return result
}

export interface ImportCutResult {
  rows: number
  /** How the cut run ended: exit code or signal, and whether it printed a raw stack. */
  cutRun: string
  crashed: boolean
  lost: number
  duplicated: number
  finalOk: boolean
  detail: string
}

/**
 * `earshot import` while its database connections are terminated (issue 13 finding 1: the import
 * died with a raw stack): the cut run must end with a clear error or carry on, never crash, and a
 * rerun must leave every row stored exactly once. Ids `cut-N`, apart from the kill trial's.
 */
export async function importUnderTermination(
  pgServer: PgServer,
  env: Record<string, string>,
  database: string,
  channel: string,
  dir: string,
  rows: number,
): Promise<ImportCutResult> {
  const file = join(dir, 'import-cut.csv')
  writeImportCsv(
    file,
    'cut-',
    rows,
    '2026-09-01T00:00:00Z',
    41_000,
    'is the clinic open on Saturday?',
  )
  const stored = () => storedCount(pgServer, database, channel, 'cut-')
  const target = Math.max(1, Math.floor(rows * (0.2 + random() * 0.5)))
  let terminated = 0
  const cut = await runImport(env, file, channel, [], undefined, async (child) => {
    while (child.exitCode === null && (await stored()) < target) await sleep(100)
    if (child.exitCode !== null) return
    // Every connection to the database but this one: the import's own included.
    const killed = await pgServer.sql<{ pid: number }>(
      'select pid from (select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid() offset 0) s where pg_terminate_backend(pid)',
      [database],
    )
    terminated = killed.length
  })
  const crash = crashOf(cut)
  const cutRun = `${cut.signal ?? `exit ${cut.code}`}${crash ? ` (${crash})` : ''}`
  const lastErr = cut.stderr.trim().split('\n').at(-1) ?? ''
  log(`import cut at ${target} rows (${terminated} backends terminated): ${cutRun}: ${lastErr}`)
  const final = await runImport(env, file, channel)
  const { lost, duplicated } = lostAndDuplicated(
    await perIdCounts(pgServer, database, channel, 'cut-'),
    'cut-',
    rows,
  )
  return {
    rows,
    cutRun,
    crashed: crash !== undefined,
    lost,
    duplicated,
    finalOk: final.code === 0,
    detail: `cut at ${target} rows, ${terminated} backends terminated, cut run ${cutRun} ("${lastErr.slice(0, 200)}"), rerun exit ${final.code}`,
  }
}
