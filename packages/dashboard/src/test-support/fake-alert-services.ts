/**
 * @module A local HTTP server that answers like the services alerts are delivered to: Slack
 * incoming webhooks (200 `ok`; `no_service` 404 when removed), Microsoft Teams Workflows (202,
 * empty body), Google Chat (200 with a Message `name`), a Standard Webhooks receiver, a dead hook
 * (410), a hook that drops the connection, and one that fails N times before it recovers.
 * Every request is kept for the test to read back.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ReceivedRequest {
  path: string
  query: URLSearchParams
  headers: IncomingMessage['headers']
  body: string
}

export interface FakeAlertServices {
  url: string
  received: ReceivedRequest[]
  /** Requests to one path. */
  at(path: string): ReceivedRequest[]
  /** Makes `/flaky` answer 500 for the next `count` requests, then 200. */
  failNext(count: number): void
  close(): Promise<void>
}

export async function startFakeAlertServices(): Promise<FakeAlertServices> {
  const received: ReceivedRequest[] = []
  let flakyFailures = 0
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost')
      const entry = {
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      }
      received.push(entry)
      switch (url.pathname) {
        case '/slack':
          res.writeHead(200, { 'content-type': 'text/html' }).end('ok')
          return
        case '/slack-removed':
          res.writeHead(404, { 'content-type': 'text/html' }).end('no_service')
          return
        case '/teams':
          res.writeHead(202).end()
          return
        case '/chat':
          res.writeHead(200, { 'content-type': 'application/json' }).end(
            JSON.stringify({
              name: 'spaces/AAAA/messages/BBBB.BBBB',
              thread: { name: 'spaces/AAAA/threads/CCCC' },
            }),
          )
          return
        case '/hook':
          res.writeHead(204).end()
          return
        case '/gone':
          res.writeHead(410).end()
          return
        case '/drop':
          req.socket.destroy()
          return
        case '/flaky':
          if (flakyFailures > 0) {
            flakyFailures -= 1
            res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error')
          } else res.writeHead(200).end('ok')
          return
        default:
          res.writeHead(404).end()
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    at: (path) => received.filter((r) => r.path === path),
    failNext(count) {
      flakyFailures = count
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
