import { createServer } from 'node:net'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { ServerStartError, startServer } from './server.js'

function helloApp() {
  const app = new Hono()
  app.get('/', (c) => c.text('hello'))
  return app
}

describe('startServer', () => {
  it('serves the app on 127.0.0.1 and closes, running onClose once', async () => {
    let closed = 0
    const server = await startServer({
      app: helloApp(),
      port: 0,
      handleSignals: false,
      onClose: () => void closed++,
    })
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const response = await fetch(`${server.url}/`)
    expect(await response.text()).toBe('hello')
    await Promise.all([server.close(), server.close()])
    await server.closed
    expect(closed).toBe(1)
    await expect(fetch(`${server.url}/`)).rejects.toThrow()
  })

  it('reports a busy port as ServerStartError EADDRINUSE', async () => {
    const blocker = createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    const port = (blocker.address() as { port: number }).port
    try {
      const attempt = startServer({ app: helloApp(), port, handleSignals: false })
      await expect(attempt).rejects.toBeInstanceOf(ServerStartError)
      await expect(attempt).rejects.toMatchObject({
        code: 'EADDRINUSE',
        port,
        message: `port ${port} on 127.0.0.1 is already in use`,
      })
    } finally {
      blocker.close()
    }
  })

  it('closes on SIGTERM and removes its signal handlers', async () => {
    const before = process.listenerCount('SIGTERM')
    let closed = false
    const server = await startServer({
      app: helloApp(),
      port: 0,
      onClose: () => {
        closed = true
      },
    })
    expect(process.listenerCount('SIGTERM')).toBe(before + 1)
    process.emit('SIGTERM', 'SIGTERM')
    await server.closed
    expect(closed).toBe(true)
    expect(process.listenerCount('SIGTERM')).toBe(before)
  })
})
