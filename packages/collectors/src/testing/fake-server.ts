/**
 * @module A fake platform API on 127.0.0.1 (random port) for tests: a handler answers each
 * request, faults queued with `failNext` are served first (429, 500, malformed bodies, expired
 * tokens), and every request is recorded (with credentials redacted).
 */
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { redactUrl } from '../util/redact-url.js'

/** A request as the fake server saw it. */
export interface FakeRequest {
  method: string
  path: string
  query: URLSearchParams
  headers: IncomingMessage['headers']
  body: string
  /** The URL with credentials redacted, for assertions and messages. */
  url: string
}

/** What the fake server answers. `body` objects are sent as JSON, strings verbatim. */
export interface FakeResponse {
  status?: number
  headers?: Record<string, string>
  body?: unknown
  /** Delay before answering (crash tests use it to slow a run down). */
  delayMs?: number
}

export type FakeHandler = (
  request: FakeRequest,
  server: FakeServer,
) => FakeResponse | Promise<FakeResponse>

/** A running fake server. */
export interface FakeServer {
  /** `http://127.0.0.1:<port>` */
  url: string
  requests: FakeRequest[]
  /** Queue responses served (in order) before the handler sees any request, optionally only for paths matching `match`. */
  failNext(...responses: (FakeResponse & { match?: RegExp })[]): void
  close(): Promise<void>
}

/**
 * Starts a fake server.
 *
 * @example
 * const api = await startFakeServer((req) => ({ body: { data: [] } }))
 * api.failNext({ status: 429, headers: { 'retry-after': '1' }, body: { error: 'slow down' } })
 */
export async function startFakeServer(handler: FakeHandler): Promise<FakeServer> {
  const faults: (FakeResponse & { match?: RegExp })[] = []
  const requests: FakeRequest[] = []
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const request: FakeRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
      url: redactUrl(url.pathname + url.search),
    }
    requests.push(request)
    let response: FakeResponse
    try {
      const index = faults.findIndex((f) => !f.match || f.match.test(request.path))
      response = index >= 0 ? faults.splice(index, 1)[0]! : await handler(request, fake)
    } catch (error) {
      response = {
        status: 500,
        body: { error: { message: `fake server handler failed: ${(error as Error).message}` } },
      }
    }
    if (response.delayMs) await new Promise((r) => setTimeout(r, response.delayMs))
    const isText = typeof response.body === 'string'
    const body =
      response.body === undefined
        ? ''
        : isText
          ? (response.body as string)
          : JSON.stringify(response.body)
    res.writeHead(response.status ?? 200, {
      'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
      ...response.headers,
    })
    res.end(body)
  })
  // No idle timeout: on a loaded machine the client may reuse a kept-alive socket just as the
  // server drops it, and a POST that fails that way is an "outcome unknown" send, not a retry.
  server.keepAliveTimeout = 0
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const fake: FakeServer = {
    url: `http://127.0.0.1:${port}`,
    requests,
    failNext: (...responses) => faults.push(...responses),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
  return fake
}
