/**
 * @module Headless Chromium for the end-to-end tests: the system's Debian `chromium` driven by
 * playwright-core (no browser download), a throw-away profile, and screenshot helpers.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type BrowserContext, chromium, type Page } from 'playwright-core'

/** The browser binary (Debian's `chromium` package). */
export const CHROMIUM_PATH = process.env.EARSHOT_CHROMIUM ?? '/usr/bin/chromium'

/** Whether the tests can run here. In CI a missing browser is a failure, not a skip. */
export const chromiumAvailable = existsSync(CHROMIUM_PATH)

const ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

/** Screenshots of every run (gitignored). */
export const ARTIFACTS_DIR = fileURLToPath(new URL('../test-artifacts/', import.meta.url))
/** The documentation's screenshots, refreshed when UPDATE_SCREENSHOTS=1. */
export const DOCS_SCREENSHOTS_DIR = fileURLToPath(
  new URL('../../../docs/screenshots/', import.meta.url),
)

/** A running browser with its own fresh profile; `close()` removes the profile. */
export interface TestBrowser {
  context: BrowserContext
  page: Page
  close(): Promise<void>
}

/** Launches headless Chromium with a fresh --user-data-dir. */
export async function launchBrowser(): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'earshot-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ARGS,
    acceptDownloads: true,
    viewport: { width: 1360, height: 900 },
    locale: 'en-AU',
    timezoneId: 'Australia/Sydney',
    // app.js then draws charts without animation: once a canvas is marked drawn, it is final.
    reducedMotion: 'reduce',
    // No time limits: a loaded machine is slow, not broken (CI has its own job limit).
    timeout: 0,
  })
  context.setDefaultTimeout(0)
  context.setDefaultNavigationTimeout(0)
  const page = context.pages()[0] ?? (await context.newPage())
  return {
    context,
    page,
    close: async () => {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
}

/** Saves a screenshot (full page unless told otherwise) to test-artifacts/ (and docs/screenshots/ with UPDATE_SCREENSHOTS=1). */
export async function screenshot(
  page: Page,
  name: string,
  options: { fullPage?: boolean } = {},
): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true })
  const path = join(ARTIFACTS_DIR, `${name}.png`)
  await page.screenshot({ path, fullPage: options.fullPage ?? true })
  if (process.env.UPDATE_SCREENSHOTS === '1') {
    mkdirSync(DOCS_SCREENSHOTS_DIR, { recursive: true })
    copyFileSync(path, join(DOCS_SCREENSHOTS_DIR, `${name}.png`))
  }
  return path
}

/**
 * Non-transparent pixels of every chart canvas on the page, once app.js has drawn them all (it
 * marks each canvas `data-drawn`; with reduced motion Chart.js draws at once, without animation).
 */
export async function chartPixels(
  page: Page,
): Promise<Array<{ id: string; painted: number; total: number }>> {
  await page.waitForFunction(() =>
    [...document.querySelectorAll('canvas[data-chart]')].every(
      (canvas) => (canvas as HTMLCanvasElement).dataset.drawn !== undefined,
    ),
  )
  return page.evaluate(() =>
    [...document.querySelectorAll('canvas')].map((canvas) => {
      const ctx = canvas.getContext('2d')
      if (!ctx || canvas.width === 0 || canvas.height === 0)
        return { id: canvas.id, painted: 0, total: 0 }
      const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height)
      let painted = 0
      for (let p = 3; p < data.length; p += 4) if (data[p]! > 0) painted++
      return { id: canvas.id, painted, total: canvas.width * canvas.height }
    }),
  )
}
