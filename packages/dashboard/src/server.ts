/**
 * @module Runs the dashboard's Hono app on Node's HTTP server (@hono/node-server), with the two
 * things a CLI needs around it: a clear error when the port is taken, and a graceful shutdown on
 * SIGINT/SIGTERM that closes the server and then the database.
 */
import type { AddressInfo } from 'node:net'
import { createAdaptorServer } from '@hono/node-server'

/** Anything with a fetch handler, e.g. a Hono app. */
export interface FetchApp {
  fetch: (request: Request, ...rest: never[]) => Response | Promise<Response>
}

/** Options of {@link startServer}. */
export interface StartServerOptions {
  app: FetchApp
  /** 0 picks a free port. */
  port: number
  /** Interface to listen on (default `127.0.0.1`: only this machine can connect). */
  host?: string
  /** Runs after the server has closed (close the database here). */
  onClose?: () => Promise<void> | void
  /**
   * Close on SIGINT/SIGTERM (default true). The signal handlers are removed again on close, so
   * tests that start many servers do not leak listeners.
   */
  handleSignals?: boolean
}

/** A listening server. */
export interface RunningServer {
  /** `http://host:port`, ready to print. */
  url: string
  host: string
  port: number
  /** Stops accepting connections, ends idle ones, then runs `onClose`. Safe to call twice. */
  close(): Promise<void>
  /** Settles once the server has closed (by `close()` or a signal). */
  closed: Promise<void>
}

/** Why a server could not start: `EADDRINUSE` (port taken) or `EACCES` (privileged port). */
export class ServerStartError extends Error {
  override readonly name = 'ServerStartError'
  constructor(
    readonly code: string,
    readonly host: string,
    readonly port: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/**
 * Starts listening and resolves once the port is bound.
 *
 * @example
 * const server = await startServer({ app: createDashboard({ db }), port: 3000, onClose: close })
 * console.log(`Open ${server.url}`)
 * await server.closed
 */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1'
  const server = createAdaptorServer({ fetch: options.app.fetch as never, hostname: host })
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening)
      reject(listenError(error, host, options.port))
    }
    const onListening = () => {
      server.off('error', onError)
      resolve()
    }
    server.once('error', onError)
    server.once('listening', onListening)
    server.listen(options.port, host)
  })
  const port = (server.address() as AddressInfo).port
  // Errors after binding (a client resetting its socket) are per-connection, never fatal.
  server.on('error', () => {})

  let resolveClosed!: () => void
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve
  })
  let closing: Promise<void> | undefined
  const onSignal = () => {
    void close()
  }
  const close = (): Promise<void> => {
    closing ??= (async () => {
      if (options.handleSignals !== false) {
        process.off('SIGINT', onSignal)
        process.off('SIGTERM', onSignal)
      }
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        // A request half-way through may finish, but a browser's idle keep-alive connection
        // must not hold the process open.
        if ('closeIdleConnections' in server) server.closeIdleConnections()
        // Long polls and stuck clients get a few seconds, then they are cut.
        setTimeout(() => {
          if ('closeAllConnections' in server) server.closeAllConnections()
        }, 3000).unref()
      })
      try {
        await options.onClose?.()
      } finally {
        resolveClosed()
      }
    })()
    return closing
  }
  if (options.handleSignals !== false) {
    process.once('SIGINT', onSignal)
    process.once('SIGTERM', onSignal)
  }
  const shownHost = host.includes(':') ? `[${host}]` : host
  return { url: `http://${shownHost}:${port}`, host, port, close, closed }
}

function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  if (error.code === 'EADDRINUSE') {
    return new ServerStartError(
      'EADDRINUSE',
      host,
      port,
      `port ${port} on ${host} is already in use`,
      { cause: error },
    )
  }
  if (error.code === 'EACCES') {
    return new ServerStartError(
      'EACCES',
      host,
      port,
      `not allowed to listen on port ${port} (ports below 1024 need privileges)`,
      { cause: error },
    )
  }
  if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') {
    return new ServerStartError(
      error.code,
      host,
      port,
      `cannot listen on ${host}: no such address on this machine`,
      { cause: error },
    )
  }
  return error
}
