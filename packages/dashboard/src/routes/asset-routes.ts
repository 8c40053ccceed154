/**
 * @module Static assets served by the app itself (no CDN: pages holding patient data load nothing
 * from third parties): chart.js from node_modules, and our own app.js and app.css.
 */
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Hono } from 'hono'
import { sha256Hex } from '../auth/secret-token.js'
import type { DashboardEnv } from '../http/dashboard-env.js'

interface Asset {
  body: string
  type: string
  etag: string
}

// The public folder sits beside src/ (running from source) and beside dist/ (running the build).
function findPublicDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'public')
    if (existsSync(join(candidate, 'app.js'))) return candidate
    dir = dirname(dir)
  }
  throw new Error('[dashboard] cannot find the public/ assets folder')
}

function loadAssets(): Map<string, Asset> {
  const publicDir = findPublicDir()
  const require = createRequire(import.meta.url)
  const chartDir = dirname(require.resolve('chart.js'))
  const files: [string, string, string][] = [
    ['chart.umd.js', join(chartDir, 'chart.umd.min.js'), 'application/javascript; charset=utf-8'],
    ['app.js', join(publicDir, 'app.js'), 'application/javascript; charset=utf-8'],
    [
      'notifications.js',
      join(publicDir, 'notifications.js'),
      'application/javascript; charset=utf-8',
    ],
    ['inbox-live.js', join(publicDir, 'inbox-live.js'), 'application/javascript; charset=utf-8'],
    ['app.css', join(publicDir, 'app.css'), 'text/css; charset=utf-8'],
    ['favicon.svg', join(publicDir, 'favicon.svg'), 'image/svg+xml'],
  ]
  const assets = new Map<string, Asset>()
  for (const [name, path, type] of files) {
    const body = readFileSync(path, 'utf8')
    assets.set(name, { body, type, etag: `"${sha256Hex(body).slice(0, 16)}"` })
  }
  return assets
}

let cached: Map<string, Asset> | undefined

/** Routes: `GET /assets/:name` for chart.umd.js, app.js and app.css. */
export function assetRoutes(): Hono<DashboardEnv> {
  cached ??= loadAssets()
  const assets = cached
  const app = new Hono<DashboardEnv>()
  // Browsers ask for /favicon.ico on their own; answer it here rather than with a sign-in redirect.
  app.get('/favicon.ico', (c) => c.redirect('/assets/favicon.svg', 301))
  app.get('/assets/:name', (c) => {
    const asset = assets.get(c.req.param('name'))
    if (!asset) return c.text('not found', 404)
    c.header('ETag', asset.etag)
    c.header('Cache-Control', 'public, max-age=3600')
    if (c.req.header('if-none-match') === asset.etag) return c.body(null, 304)
    c.header('Content-Type', asset.type)
    return c.body(asset.body)
  })
  return app
}
