/**
 * @module Headless Chromium for report mail: the charts as PNG images and the printable report
 * as PDF. Optional by design: a server without Chromium still sends its reports, with the figures
 * as tables and a line saying so. The launcher is injected so tests can run both ways.
 */
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

/** What report mail needs from a browser. */
export interface ReportBrowser {
  /** Draws a Chart.js configuration at the given CSS size (rendered at 2× for sharp mail). */
  chartPng(config: unknown, size: { width: number; height: number }): Promise<Buffer>
  /** Prints an HTML document to an A4 PDF with the document's print stylesheet. */
  pdf(html: string): Promise<Buffer>
  close(): Promise<void>
}

/** Starts a browser, or says why there is none (the mail then uses its fallback). */
export type ReportBrowserLauncher = () => Promise<
  { browser: ReportBrowser } | { browser: null; reason: string }
>

/** Where Debian's `chromium` lives; `EARSHOT_CHROMIUM` overrides it. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.EARSHOT_CHROMIUM ?? '/usr/bin/chromium'
}

const ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

function chartScriptPath(): string {
  const require = createRequire(import.meta.url)
  return join(dirname(require.resolve('chart.js')), 'chart.umd.min.js')
}

/** A launcher for the Chromium at `path` driven by playwright-core. */
export function chromiumLauncher(path: string = chromiumPath()): ReportBrowserLauncher {
  return async () => {
    if (!existsSync(path)) return { browser: null, reason: `no Chromium at ${path}` }
    let playwright: typeof import('playwright-core')
    try {
      playwright = await import('playwright-core')
    } catch {
      return { browser: null, reason: 'playwright-core is not installed' }
    }
    const chromium = await playwright.chromium.launch({
      executablePath: path,
      headless: true,
      args: ARGS,
      // A loaded machine is slow, not broken: the job's own expiry bounds a hung browser.
      timeout: 0,
    })
    const context = await chromium.newContext({ deviceScaleFactor: 2, javaScriptEnabled: true })
    // Report HTML is ours and self-contained: nothing may be fetched from the network.
    await context.route(/^https?:/, (route) => route.abort())
    context.setDefaultTimeout(0)
    const script = chartScriptPath()
    const browser: ReportBrowser = {
      async chartPng(config, size) {
        const page = await context.newPage()
        try {
          await page.setViewportSize({ width: size.width, height: size.height })
          await page.setContent(
            `<!doctype html><html><body style="margin:0;background:#fff"><div style="width:${size.width}px;height:${size.height}px"><canvas id="chart"></canvas></div></body></html>`,
          )
          await page.addScriptTag({ path: script })
          await page.evaluate((c) => {
            const cfg = c as { options?: Record<string, unknown> }
            const w = window as unknown as { Chart: new (el: Element, cfg: unknown) => unknown }
            new w.Chart(document.getElementById('chart')!, {
              ...cfg,
              options: {
                ...cfg.options,
                animation: false,
                responsive: true,
                maintainAspectRatio: false,
              },
            })
          }, config)
          return await page.locator('div').first().screenshot({ type: 'png' })
        } finally {
          await page.close()
        }
      },
      async pdf(html) {
        const page = await context.newPage()
        try {
          await page.setContent(html, { waitUntil: 'load' })
          return await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true })
        } finally {
          await page.close()
        }
      },
      async close() {
        await chromium.close()
      },
    }
    return { browser }
  }
}

/** A launcher that never finds a browser: the fallback, for tests and `EARSHOT_REPORT_CHROMIUM=off`. */
export function noBrowser(reason: string): ReportBrowserLauncher {
  return async () => ({ browser: null, reason })
}
