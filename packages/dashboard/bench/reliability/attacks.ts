/**
 * @module Hostile traffic against the running server: cross-tenant requests (A asks for B's
 * ids), malformed bodies on every mutation route, concurrent password guesses, and oversized
 * bodies while the server's memory is sampled.
 */
import { randomBytes } from 'node:crypto'
import {
  type Answer,
  type Browser,
  loginForm,
  random,
  type ServeProcess,
  send,
  sendOnce,
  signIn,
  sleep,
  streamBody,
} from './harness.js'
import { B_PRACTICE_NAME, B_SECRET, type Org, PASSWORD, type World } from './seed.js'

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE', 'ALL'])

/** A concrete path for a route pattern, with the ids of `org` put in. */
function fill(pattern: string, org: Org, extra: Record<string, string[]>): string[] {
  const values: Record<string, string[]> = {
    practiceId: org.practices,
    channelId: [...org.channels, org.webchat],
    mentionId: org.mentions.slice(0, 3),
    userId: [org.adminId],
    platform: ['facebook', 'webchat', 'google', 'instagram'],
    provider: ['facebook', 'google'],
    ...extra,
  }
  let paths = [pattern.replace(/\/:([A-Za-z]+)\?/g, '/:$1')]
  for (const [, name] of pattern.matchAll(/:([A-Za-z]+)/g)) {
    const options = values[name!] ?? ['no-such-id']
    paths = paths.flatMap((p) => options.map((v) => p.replace(`:${name}`, encodeURIComponent(v))))
  }
  return [...new Set(paths)]
}

// ---------------------------------------------------------------- cross-tenant

export interface LeakResult {
  requests: number
  leaks: string[]
  statuses: Map<number, number>
}

function leaksIn(body: string, b: Org): string | undefined {
  // The search box echoes the query (A's own input); B's stored text goes on past it.
  if (body.includes(`${B_SECRET} (`)) return 'B mention text'
  if (body.includes(B_PRACTICE_NAME)) return 'B practice name'
  for (const id of [
    ...b.practices,
    ...b.channels,
    b.webchat,
    b.importChannel,
    ...b.mentions,
    b.adminId,
  ])
    if (body.includes(id)) return `B id ${id}`
  return undefined
}

/**
 * A's admin (session and API token) requests every route with B's ids in it, plus every list
 * and export with B's ids as filters; an answer carrying B's text, name or ids is a leak.
 */
export async function crossTenant(
  serve: ServeProcess,
  world: World,
  extraB: Record<string, string[]>,
): Promise<LeakResult> {
  const { a, b } = world
  const browser = await signIn(serve.url, a.adminEmail, PASSWORD)
  const filters = [
    `practice=${b.practices[0]}`,
    `channel=${b.channels[0]}`,
    `practice=${b.practices[0]}&channel=${b.webchat}`,
    `q=${encodeURIComponent(B_SECRET)}`,
  ]
  const probes: { method: string; path: string }[] = []
  for (const r of world.routes) {
    if (r.path.startsWith('/hooks/') || r.path.startsWith('/assets/') || r.path === '/*') continue
    if (r.path.includes('logout') || r.path.includes('revoke-all')) continue
    const method = r.method === 'ALL' ? 'GET' : r.method
    if (method !== 'GET' && method !== 'POST') continue
    const paths = r.path.includes(':') ? fill(r.path, b, extraB) : [r.path]
    for (const p of paths) {
      probes.push({ method, path: p })
      if (method === 'GET') for (const f of filters) probes.push({ method, path: `${p}?${f}` })
    }
  }
  const unique = [...new Map(probes.map((p) => [`${p.method} ${p.path}`, p])).values()]
  const result: LeakResult = { requests: 0, leaks: [], statuses: new Map() }
  const formBody = new URLSearchParams({
    _csrf: browser.csrf,
    practice: b.practices[0]!,
    practice_id: b.practices[0]!,
    channel: b.channels[0]!,
    mention_id: b.mentions[0]!,
    action: 'no_reply_needed',
  }).toString()
  for (const probe of unique) {
    for (const via of ['session', 'token'] as const) {
      const isApi = probe.path.startsWith('/api/')
      if (via === 'token' && !isApi) continue
      const headers: Record<string, string> =
        via === 'token'
          ? { authorization: `Bearer ${a.token}` }
          : { cookie: browser.cookie, 'x-csrf-token': browser.csrf, origin: serve.url }
      let res: Answer
      if (probe.method === 'GET') res = await send(`${serve.url}${probe.path}`, { headers })
      else if (isApi)
        res = await send(`${serve.url}${probe.path}`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify({ action: 'no_reply_needed', practiceId: b.practices[0] }),
        })
      else
        res = await send(`${serve.url}${probe.path}`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
          body: formBody,
        })
      result.requests++
      result.statuses.set(res.status, (result.statuses.get(res.status) ?? 0) + 1)
      const leak = leaksIn(res.body, b) ?? leaksIn(res.headers.get('location') ?? '', b)
      if (res.status === 0)
        result.leaks.push(`${probe.method} ${probe.path} (${via}): no answer: ${res.body}`)
      else if (leak)
        result.leaks.push(`${probe.method} ${probe.path} (${via}) → ${res.status}: ${leak}`)
    }
  }
  return result
}

// ---------------------------------------------------------------- fuzz

export interface FuzzResult {
  cases: number
  fiveXx: string[]
  noAnswer: string[]
  routes: number
}

interface Body {
  name: string
  contentType: string | undefined
  body: Uint8Array | string
}

function deep(n: number): string {
  return `${'['.repeat(n)}1${']'.repeat(n)}`
}

/** Malformed bodies; those that are forms carry the CSRF token so they reach the handler. */
function bodies(csrf: string): Body[] {
  const form = (fields: string) => `_csrf=${encodeURIComponent(csrf)}&${fields}`
  const loneSurrogate = Buffer.concat([
    Buffer.from('{"text":"'),
    Buffer.from([0xed, 0xa0, 0x80]),
    Buffer.from('","action":"assign"}'),
  ])
  return [
    { name: 'random-bytes', contentType: 'application/octet-stream', body: randomBytes(2048) },
    { name: 'random-bytes-as-json', contentType: 'application/json', body: randomBytes(2048) },
    {
      name: 'random-bytes-as-form',
      contentType: 'application/x-www-form-urlencoded',
      body: randomBytes(2048),
    },
    {
      name: 'truncated-json',
      contentType: 'application/json',
      body: '{"action":"no_reply_needed","text":"hel',
    },
    {
      name: 'wrong-types-json',
      contentType: 'application/json',
      body: JSON.stringify({
        action: 7,
        text: ['a'],
        mention_id: { $ne: 1 },
        practiceId: null,
        scopes: 'admin',
        enabled: 'maybe',
        id: -1,
        object: [],
        entry: 'x',
      }),
    },
    { name: 'deep-json', contentType: 'application/json', body: deep(20_000) },
    {
      name: 'deep-object-json',
      contentType: 'application/json',
      body: `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`,
    },
    {
      name: 'nul-json',
      contentType: 'application/json',
      body: '{"text":"a\\u0000b","action":"no\\u0000reply","id":"\\u0000","mention_id":"\\u0000"}',
    },
    {
      name: 'nul-form',
      contentType: 'application/x-www-form-urlencoded',
      body: form('text=a%00b&name=%00&email=%00@x&mention_id=%00&action=%00'),
    },
    {
      name: 'lone-surrogate-escaped',
      contentType: 'application/json',
      body: '{"text":"\\ud800","name":"\\udfff x","action":"\\ud800"}',
    },
    { name: 'lone-surrogate-bytes', contentType: 'application/json', body: loneSurrogate },
    {
      name: 'bad-percent-form',
      contentType: 'application/x-www-form-urlencoded',
      body: form('text=%zz%&name=%E0%A4%A&practice=%'),
    },
    {
      name: 'repeated-fields-form',
      contentType: 'application/x-www-form-urlencoded',
      body: form('action=assign&action=no_reply_needed&mention_id=a&mention_id=b&name=x&name=y'),
    },
    {
      name: 'long-fields-form',
      contentType: 'application/x-www-form-urlencoded',
      body: form(`text=${'x'.repeat(200_000)}&name=${'n'.repeat(100_000)}`),
    },
    {
      name: 'huge-json',
      contentType: 'application/json',
      body: JSON.stringify({ text: 'x'.repeat(3_000_000) }),
    },
    { name: 'form-as-json', contentType: 'application/json', body: form('action=no_reply_needed') },
    { name: 'json-as-text', contentType: 'text/plain', body: '{"action":"no_reply_needed"}' },
    {
      name: 'bad-multipart',
      contentType: 'multipart/form-data; boundary=zzz',
      body: '--zzz\r\nContent-Disposition: form-data; name="text"\r\n\r\nunterminated',
    },
    { name: 'multipart-no-boundary', contentType: 'multipart/form-data', body: 'garbage' },
    { name: 'empty-json', contentType: 'application/json', body: '' },
    { name: 'no-content-type', contentType: undefined, body: '{"action":"assign"}' },
    {
      name: 'json-array',
      contentType: 'application/json',
      body: '[{"action":"assign"},null,1,"x"]',
    },
    {
      name: 'out-of-range',
      contentType: 'application/json',
      body: JSON.stringify({
        created_time: 1e300,
        timestamp: -1e20,
        rating: Number.MAX_VALUE,
        expiresInDays: 1e12,
        limit: -5,
        offset: 1e100,
      }),
    },
  ]
}

/**
 * Every mutation, webhook and API route (ids of organisation F, whose state may be wrecked)
 * receives every malformed body; a 5xx or a dropped connection is a failure.
 */
export async function fuzzRoutes(serve: ServeProcess, world: World): Promise<FuzzResult> {
  const { f } = world
  const result: FuzzResult = { cases: 0, fiveXx: [], noAnswer: [], routes: 0 }
  const targets: { method: string; path: string }[] = []
  for (const r of world.routes) {
    if (!MUTATING.has(r.method) || r.path === '/*' || r.path.startsWith('/assets/')) continue
    const method = r.method === 'ALL' ? 'POST' : r.method
    const paths = r.path.includes(':') ? fill(r.path, f, {}) : [r.path]
    // One concrete path per route and id kind keeps the run short; the hooks get each platform.
    const keep = r.path.startsWith('/hooks/') ? paths : paths.slice(0, 2)
    for (const p of keep) targets.push({ method, path: p })
  }
  // The unauthenticated web-chat hook without an id and with odd spellings, too.
  targets.push(
    { method: 'POST', path: '/hooks/webchat' },
    { method: 'POST', path: `/hooks/webchat/${f.webchat}/` },
    { method: 'POST', path: '//hooks//webchat' },
  )
  result.routes = targets.length
  let browser: Browser = await signIn(serve.url, f.adminEmail, PASSWORD)
  for (const target of targets) {
    // Some routes sign out or revoke sessions; each route starts signed in.
    browser = await signIn(serve.url, f.adminEmail, PASSWORD).catch(() => browser)
    const isApi = target.path.startsWith('/api/')
    for (const b of bodies(browser.csrf)) {
      for (const auth of isApi ? (['token', 'none'] as const) : (['session'] as const)) {
        const headers: Record<string, string> = {}
        if (b.contentType) headers['content-type'] = b.contentType
        if (auth === 'token') headers.authorization = `Bearer ${f.token}`
        if (auth === 'session') {
          headers.cookie = browser.cookie
          headers['x-csrf-token'] = browser.csrf
          headers.origin = serve.url
        }
        const res = await sendOnce(`${serve.url}${target.path}`, target.method, headers, b.body)
        result.cases++
        const where = `${target.method} ${target.path} [${b.name}, ${auth}] → ${res.status}`
        if (res.status >= 500) result.fiveXx.push(`${where}: ${res.body.slice(0, 160)}`)
        if (res.status === 0) result.noAnswer.push(`${where}: ${res.body.slice(0, 160)}`)
      }
    }
  }
  return result
}

// ---------------------------------------------------------------- guesses

export interface GuessResult {
  accountAdmitted: number
  accountLimit: number
  accountStatuses: Map<number, number>
  sprayAdmitted: number
  sprayLimit: number
  sprayStatuses: Map<number, number>
}

/**
 * 200 concurrent wrong passwords for one account, each from its own address (the limit per
 * account must hold however they are spread), then 150 e-mails sprayed from one address.
 * An answer 401 reached the password check; 429 was refused before it.
 */
export async function guesses(serve: ServeProcess, victim: string): Promise<GuessResult> {
  const attempt = async (email: string, address: string) => {
    const form = await loginForm(serve.url)
    return send(
      `${serve.url}/login`,
      {
        method: 'POST',
        headers: {
          cookie: form.cookie,
          'content-type': 'application/x-www-form-urlencoded',
          origin: serve.url,
          'x-forwarded-for': address,
        },
        body: new URLSearchParams({
          _csrf: form.csrf,
          email,
          password: 'wrong guess 12345',
          next: '/',
        }).toString(),
      },
      60_000,
    )
  }
  const count = (answers: Answer[]) => {
    const m = new Map<number, number>()
    for (const a of answers) m.set(a.status, (m.get(a.status) ?? 0) + 1)
    return m
  }
  // Forms first, so the guesses themselves go out together.
  const forms = await Promise.all(Array.from({ length: 200 }, () => loginForm(serve.url)))
  const account = await Promise.all(
    forms.map((form, i) =>
      send(
        `${serve.url}/login`,
        {
          method: 'POST',
          headers: {
            cookie: form.cookie,
            'content-type': 'application/x-www-form-urlencoded',
            origin: serve.url,
            'x-forwarded-for': `10.77.${i >> 8}.${i & 255}`,
          },
          body: new URLSearchParams({
            _csrf: form.csrf,
            email: victim,
            password: `wrong guess ${i}`,
            next: '/',
          }).toString(),
        },
        120_000,
      ),
    ),
  )
  const spray = await Promise.all(
    Array.from({ length: 150 }, (_, i) => attempt(`person${i}@spray.example`, '198.51.100.23')),
  )
  const accountStatuses = count(account)
  const sprayStatuses = count(spray)
  return {
    accountAdmitted: accountStatuses.get(401) ?? 0,
    accountLimit: 5,
    accountStatuses,
    sprayAdmitted: sprayStatuses.get(401) ?? 0,
    sprayLimit: 30,
    sprayStatuses,
  }
}

// ---------------------------------------------------------------- memory

export interface MemoryResult {
  baselineMb: number
  peakMb: number
  hwmBeforeMb: number
  hwmAfterMb: number
  statuses: number[]
}

/**
 * A 200 MB unauthenticated POST /login (declared length), another chunked, and six chunked
 * 100 MB webhook bodies, all at once, while the server's resident memory is sampled.
 */
export async function oversizedBodies(serve: ServeProcess, world: World): Promise<MemoryResult> {
  await sleep(500)
  const before = serve.memory()
  let peak = before.rssMb
  let sampling = true
  const sampler = (async () => {
    while (sampling) {
      try {
        peak = Math.max(peak, serve.memory().rssMb)
      } catch {}
      await sleep(20)
    }
  })()
  const MB = 1024 * 1024
  const statuses = await Promise.all([
    streamBody(`${serve.url}/login`, 200 * MB, {
      contentLength: true,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    }),
    streamBody(`${serve.url}/login`, 200 * MB, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    }),
    ...[
      `/hooks/webchat/${world.a.webchat}`,
      `/hooks/webchat/${world.a.webchat}`,
      `/hooks/facebook/${world.a.channels[0]}`,
      `/hooks/facebook`,
      `/hooks/webchat`,
      `/api/v1/mentions/${world.a.mentions[0]}/overrides`,
    ].map((p) =>
      streamBody(`${serve.url}${p}`, 100 * MB, { headers: { 'content-type': 'application/json' } }),
    ),
  ])
  await sleep(300)
  sampling = false
  await sampler
  const after = serve.memory()
  return {
    baselineMb: before.rssMb,
    peakMb: Math.max(peak, after.rssMb),
    hwmBeforeMb: before.hwmMb,
    hwmAfterMb: after.hwmMb,
    statuses,
  }
}

export { random }
