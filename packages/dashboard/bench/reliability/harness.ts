/**
 * @module What the reliability run drives: the PostgreSQL server that scripts/with-postgres.mjs
 * started (stopped, started, reconfigured through pg_ctl and SQL), the real `earshot serve` and
 * `earshot import` as child processes, and a small cookie-aware HTTP client.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import pg from 'pg'

export const log = (...args: unknown[]) =>
  console.error(`[reliability ${new Date().toISOString().slice(11, 19)}]`, ...args)
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** The dashboard package folder (the CLI runs from its source there). */
export const DASHBOARD_DIR = fileURLToPath(new URL('../..', import.meta.url))
const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin'
const isRoot = process.getuid?.() === 0

// mulberry32: seeded, so a failing run replays with RELIABILITY_SEED.
let state = 0
export function seedRandom(seed: number): void {
  state = seed >>> 0
}
export function random(): number {
  state = (state + 0x6d2b79f5) >>> 0
  let t = state
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer()
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })
}

/** Runs a PostgreSQL tool as the postgres user when we are root (PostgreSQL refuses root). */
export function pgTool(tool: string, args: string[]): string {
  const out = execFileSync(
    isRoot ? 'runuser' : `${PG_BIN}/${tool}`,
    isRoot ? ['-u', 'postgres', '--', `${PG_BIN}/${tool}`, ...args] : args,
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  return out.toString()
}

/** The PostgreSQL server under test: its data folder and the options it was started with. */
export class PgServer {
  private constructor(
    readonly adminUrl: string,
    readonly dataDir: string,
    private readonly options: string,
  ) {}

  static async attach(adminUrl: string): Promise<PgServer> {
    const client = new pg.Client({ connectionString: adminUrl })
    await client.connect()
    const { rows } = await client.query<{ data_directory: string }>('show data_directory')
    await client.end()
    const dataDir = rows[0]!.data_directory
    // postmaster.opts holds the command line it was started with: `postgres "-D" "…" "-c" "…"`.
    const opts = readFileSync(`${dataDir}/postmaster.opts`, 'utf8')
    const args = [...opts.matchAll(/"([^"]*)"/g)].map((m) => m[1]!)
    const options: string[] = []
    for (let i = 0; i < args.length; i++) {
      if (args[i] === '-D') i++
      else options.push(args[i]!)
    }
    return new PgServer(adminUrl, dataDir, options.join(' '))
  }

  stopImmediate(): void {
    pgTool('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', 'stop'])
  }

  start(): void {
    pgTool('pg_ctl', [
      '-D',
      this.dataDir,
      '-l',
      `${this.dataDir}/../server.log`,
      '-w',
      '-o',
      this.options,
      'start',
    ])
  }

  /** One statement on a fresh connection (survives the server restarting between calls). */
  async sql<T extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values: unknown[] = [],
    database?: string,
  ): Promise<T[]> {
    const url = new URL(this.adminUrl)
    if (database) url.pathname = `/${database}`
    const client = new pg.Client({ connectionString: url.toString() })
    await client.connect()
    try {
      return (await client.query<T>(text, values)).rows
    } finally {
      await client.end()
    }
  }
}

/** A running `earshot serve`; `crashed` counts exits we did not ask for. */
export class ServeProcess {
  child!: ChildProcess
  stderr = ''
  exits: string[] = []
  private stopping = false

  constructor(
    readonly port: number,
    private readonly env: Record<string, string>,
    /** Extra node flags for the server (e.g. `--cpu-prof`, which NODE_OPTIONS refuses). */
    private readonly nodeArgs: readonly string[] = [],
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`
  }

  get pid(): number {
    return this.child.pid!
  }

  start(): Promise<void> {
    this.stopping = false
    return new Promise((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          ...this.nodeArgs,
          '--conditions=@earshot/source',
          '--import',
          'tsx',
          'src/cli.ts',
          'serve',
          '--port',
          String(this.port),
        ],
        { cwd: DASHBOARD_DIR, env: { ...process.env, ...this.env }, stdio: 'pipe' },
      )
      this.child = child
      let out = ''
      child.stdout!.on('data', (c) => {
        out += c
        if (out.includes('Earshot dashboard:')) resolve()
      })
      child.stderr!.on('data', (c) => {
        // Kept bounded: only the tail matters when it dies.
        this.stderr = (this.stderr + c).slice(-20_000)
      })
      child.once('exit', (code, signal) => {
        if (!out.includes('Earshot dashboard:'))
          reject(new Error(`serve did not start: ${code ?? signal}\n${this.stderr}`))
        if (!this.stopping) {
          const tail = this.stderr.split('\n').slice(-15).join('\n')
          this.exits.push(`exit ${code ?? signal}: ${tail}`)
          log(`SERVER EXITED UNEXPECTEDLY (${code ?? signal})\n${tail}`)
        }
      })
    })
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null
  }

  /** Restarts it after an unexpected exit, so later trials still run (the crash stays counted). */
  async ensureRunning(): Promise<void> {
    if (!this.alive) await this.start()
  }

  async stop(): Promise<void> {
    this.stopping = true
    if (!this.alive) return
    const exited = new Promise((r) => this.child.once('exit', r))
    this.child.kill('SIGTERM')
    await Promise.race([exited, sleep(10_000)])
    if (this.alive) this.child.kill('SIGKILL')
  }

  /** Resident memory now and its high-water mark, in MB, from /proc. */
  memory(): { rssMb: number; hwmMb: number } {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8')
    const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0)
    return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 }
  }
}

/** An HTTP answer as the run needs it. */
export interface Answer {
  status: number
  body: string
  headers: Headers
  ms: number
}

/** fetch with a time limit; a network failure is status 0 (the server did not answer). */
export async function send(
  url: string,
  init: RequestInit = {},
  timeoutMs = 30_000,
): Promise<Answer> {
  const started = performance.now()
  try {
    const res = await fetch(url, {
      redirect: 'manual',
      ...init,
      signal: AbortSignal.timeout(timeoutMs),
    })
    // An event stream never ends: its headers are the answer.
    if (res.headers.get('content-type')?.startsWith('text/event-stream')) {
      await res.body?.cancel()
      return { status: res.status, body: '', headers: res.headers, ms: performance.now() - started }
    }
    const body = await res.text()
    return { status: res.status, body, headers: res.headers, ms: performance.now() - started }
  } catch (error) {
    return {
      status: 0,
      body: String((error as Error).message),
      headers: new Headers(),
      ms: performance.now() - started,
    }
  }
}

function cookiesOf(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of headers.getSetCookie()) {
    const [pair] = line.split(';')
    const i = pair!.indexOf('=')
    out[pair!.slice(0, i).trim()] = pair!.slice(i + 1).trim()
  }
  return out
}

export function csrfFromHtml(html: string): string {
  return /name="_csrf" value="([^"]*)"/.exec(html)?.[1] ?? ''
}

/** A fresh sign-in form: its login cookie and the token it carries. */
export async function loginForm(base: string): Promise<{ cookie: string; csrf: string }> {
  const form = await send(`${base}/login`)
  const cookie = Object.entries(cookiesOf(form.headers))
    .map(([k, v]) => `${k}=${v}`)
    .join('; ')
  return { cookie, csrf: csrfFromHtml(form.body) }
}

/** A signed-in browser: session cookie and the CSRF token of its pages. */
export interface Browser {
  cookie: string
  csrf: string
}

export async function signIn(base: string, email: string, password: string): Promise<Browser> {
  const form = await loginForm(base)
  const res = await send(`${base}/login`, {
    method: 'POST',
    headers: {
      cookie: form.cookie,
      'content-type': 'application/x-www-form-urlencoded',
      origin: base,
    },
    body: new URLSearchParams({ _csrf: form.csrf, email, password, next: '/' }).toString(),
  })
  const session = cookiesOf(res.headers).earshot_session
  if (!session)
    throw new Error(`sign-in of ${email} failed: ${res.status} ${res.body.slice(0, 200)}`)
  const cookie = `earshot_session=${session}`
  const home = await send(`${base}/`, { headers: { cookie } })
  return { cookie, csrf: csrfFromHtml(home.body) }
}

/**
 * Streams `totalBytes` to `url` in 1 MB chunks (chunked unless `contentLength`), stopping when
 * the server answers or closes; resolves with the status (0 when the connection was cut).
 */
export function streamBody(
  url: string,
  totalBytes: number,
  options: { contentLength?: boolean; headers?: Record<string, string> } = {},
): Promise<number> {
  return new Promise((resolve) => {
    const u = new URL(url)
    const chunk = Buffer.alloc(1024 * 1024, 0x61)
    let status = 0
    let done = false
    const finish = () => {
      if (!done) {
        done = true
        resolve(status)
      }
    }
    const req = httpRequest(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        method: 'POST',
        headers: {
          'content-type': 'application/octet-stream',
          ...(options.contentLength ? { 'content-length': String(totalBytes) } : {}),
          ...options.headers,
        },
      },
      (res) => {
        status = res.statusCode ?? 0
        res.resume()
        res.on('end', () => {
          req.destroy()
          finish()
        })
      },
    )
    req.on('error', finish)
    req.on('close', finish)
    let sent = 0
    const pump = () => {
      while (sent < totalBytes && !done && !req.destroyed) {
        sent += chunk.length
        if (!req.write(chunk)) {
          req.once('drain', pump)
          return
        }
      }
      if (!done && !req.destroyed) req.end()
    }
    pump()
  })
}

/**
 * One request on its own connection (no keep-alive): an early answer to an oversized body
 * cannot spoil the next request's connection. Status 0 when no answer came.
 */
export function sendOnce(
  url: string,
  method: string,
  headers: Record<string, string>,
  body: Uint8Array | string,
  timeoutMs = 30_000,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const u = new URL(url)
    let settled = false
    const done = (status: number, text: string) => {
      if (!settled) {
        settled = true
        clearTimeout(timer)
        resolve({ status, body: text })
      }
    }
    const req = httpRequest(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        method,
        headers,
        agent: false,
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (c) => {
          if (text.length < 4096) text += c
        })
        res.on('end', () => done(res.statusCode ?? 0, text))
        res.on('error', () => done(res.statusCode ?? 0, text))
      },
    )
    const timer = setTimeout(() => {
      req.destroy()
      done(0, 'timed out')
    }, timeoutMs)
    // Writing may fail once the server has answered early (413) and closed: the answer counts.
    req.on('error', (error) => setTimeout(() => done(0, error.message), 200))
    req.end(body)
  })
}
