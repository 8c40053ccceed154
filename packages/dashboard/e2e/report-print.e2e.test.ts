/**
 * The printable monthly report as a PDF: Chromium's page.pdf() (what "Save as PDF" produces), its
 * pages rasterised to images with poppler's `pdftoppm`, and the layout under print media checked
 * box by box. Guards the bug where the chart kept its screen width in print, ran off the right
 * edge of the page and overlapped the heading after it.
 */
import { execFileSync } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type EarshotDatabase, openDatabase } from '@earshot/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDashboard } from '../src/app.js'
import { DEMO_PASSWORD, DEMO_USERS } from '../src/demo/demo-practices.js'
import { seedDemo } from '../src/demo/seed-demo.js'
import { type RunningServer, startServer } from '../src/server.js'
import {
  ARTIFACTS_DIR,
  chartPixels,
  chromiumAvailable,
  launchBrowser,
  type TestBrowser,
} from './browser.js'

const PDFTOPPM = '/usr/bin/pdftoppm'
const inCi = Boolean(process.env.CI)
/** A4 at 96 CSS px per inch, less the stylesheet's 15 mm margins: the width print lays out in. */
const A4_CONTENT_WIDTH_PX = Math.floor(((210 - 2 * 15) / 25.4) * 96)

describe.runIf(chromiumAvailable)('the printable report in print', () => {
  let database: EarshotDatabase
  let server: RunningServer
  let browser: TestBrowser
  const reportPath = '/practices/demo-bondi-gp/report'

  beforeAll(async () => {
    database = await openDatabase()
    await seedDemo(database.db, { seed: 5, scale: 0.05 })
    server = await startServer({
      app: createDashboard({ db: database.db }),
      port: 0,
      handleSignals: false,
    })
    browser = await launchBrowser()
    const { page } = browser
    await page.goto(`${server.url}/login`)
    await page.fill('input[name=email]', DEMO_USERS[0].email)
    await page.fill('input[name=password]', DEMO_PASSWORD)
    await Promise.all([page.waitForURL(`${server.url}/`), page.click('button[type=submit]')])
  })

  afterAll(async () => {
    await browser?.close()
    await server?.close()
    await database?.close()
  })

  it('lays the chart out inside the page width and above the next heading', async () => {
    const { page } = browser
    // Drawn on a wide screen first, as a user would before pressing Print.
    await page.setViewportSize({ width: 1360, height: 900 })
    await page.goto(`${server.url}${reportPath}`)
    await chartPixels(page)
    await page.emulateMedia({ media: 'print' })
    await page.setViewportSize({ width: A4_CONTENT_WIDTH_PX, height: 1000 })
    const layout = await page.evaluate(() => {
      const article = document.querySelector('article.report')!
      const wide = [...article.querySelectorAll('*')].map((el) => ({
        tag: el.tagName.toLowerCase(),
        cls: el.className,
        right: el.getBoundingClientRect().right,
      }))
      const figure = document.querySelector('figure.chart')!
      const canvas = figure.querySelector('canvas')!
      let next = figure.nextElementSibling
      while (next && next.tagName !== 'H2') next = next.nextElementSibling
      return {
        wide,
        figureBottom: figure.getBoundingClientRect().bottom,
        canvasBottom: canvas.getBoundingClientRect().bottom,
        canvasWidth: canvas.getBoundingClientRect().width,
        nextHeadingTop: next?.getBoundingClientRect().top ?? Number.POSITIVE_INFINITY,
      }
    })
    const overflowing = layout.wide.filter((b) => b.right > A4_CONTENT_WIDTH_PX + 0.5)
    expect(overflowing, 'elements wider than the printed page').toEqual([])
    expect(layout.canvasWidth).toBeGreaterThan(A4_CONTENT_WIDTH_PX / 2)
    expect(layout.canvasBottom).toBeLessThanOrEqual(layout.figureBottom + 0.5)
    expect(layout.figureBottom).toBeLessThanOrEqual(layout.nextHeadingTop)
    await page.emulateMedia({ media: null })
  })

  it.runIf(existsSync(PDFTOPPM) || inCi)(
    'renders a PDF whose pages keep every mark inside the margins',
    async () => {
      const { page } = browser
      await page.setViewportSize({ width: 1360, height: 900 })
      await page.goto(`${server.url}${reportPath}`)
      await chartPixels(page)
      const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true, printBackground: true })
      expect(pdf.subarray(0, 4).toString()).toBe('%PDF')
      const dir = mkdtempSync(join(tmpdir(), 'earshot-report-pdf-'))
      try {
        writeFileSync(join(dir, 'report.pdf'), pdf)
        mkdirSync(ARTIFACTS_DIR, { recursive: true })
        writeFileSync(join(ARTIFACTS_DIR, 'report-print.pdf'), pdf)
        // 96 dpi: one image pixel per CSS pixel, so the 15 mm margin is ~56 px on each side.
        execFileSync(PDFTOPPM, ['-gray', '-r', '96', join(dir, 'report.pdf'), join(dir, 'page')])
        const pages = readdirSync(dir)
          .filter((f) => f.endsWith('.pgm'))
          .sort()
        expect(pages.length).toBeGreaterThan(0)
        const margin = Math.floor((15 / 25.4) * 96) - 4
        for (const name of pages) {
          const image = readPgm(readFileSync(join(dir, name)))
          const inMargin = countInked(image, image.width - margin, image.width)
          expect(inMargin, `${name}: marks in the right margin (content cut off at the edge)`).toBe(
            0,
          )
        }
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
  )
})

/** A binary greyscale PNM image (`P5`), what `pdftoppm -gray` writes. */
interface GreyImage {
  width: number
  height: number
  pixels: Uint8Array
}

function readPgm(file: Buffer): GreyImage {
  const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(file.subarray(0, 64).toString('latin1'))
  if (!header) throw new Error('not a binary PGM image')
  const width = Number(header[1])
  const height = Number(header[2])
  const pixels = file.subarray(header[0].length, header[0].length + width * height)
  return { width, height, pixels }
}

/** Pixels darker than near-white in the columns [x0, x1) of every row. */
function countInked(image: GreyImage, x0: number, x1: number): number {
  let inked = 0
  for (let y = 0; y < image.height; y++)
    for (let x = x0; x < x1; x++) if (image.pixels[y * image.width + x]! < 240) inked++
  return inked
}
