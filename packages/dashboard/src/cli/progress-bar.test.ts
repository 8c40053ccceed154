import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createProgressBar } from './progress-bar.js'

function capture(isTTY: boolean) {
  const stream = Object.assign(new PassThrough(), { isTTY, columns: 80 })
  let text = ''
  stream.on('data', (c) => {
    text += c.toString()
  })
  return { stream, text: () => text }
}

describe('createProgressBar', () => {
  it('writes a plain progress line at most once per interval when stderr is not a terminal', async () => {
    const out = capture(false)
    let now = 1_000
    const bar = createProgressBar(out.stream, 'Importing', 'bytes', {
      lineIntervalMs: 10_000,
      now: () => now,
    })
    bar.update(1024 * 1024, 10 * 1024 * 1024) // at once: nothing yet
    now += 9_999
    bar.update(2 * 1024 * 1024)
    now += 1
    bar.update(3 * 1024 * 1024) // one interval in
    now += 5_000
    bar.update(4 * 1024 * 1024) // too soon after the last line
    now += 5_000
    bar.update(10 * 1024 * 1024)
    bar.finish()
    await new Promise((r) => setImmediate(r))
    expect(out.text()).toBe(
      'Importing: 30% 3.0 MB/10.0 MB 10.0s\nImporting: 100% 10.0 MB/10.0 MB 20.0s\n',
    )
  })

  it('prints nothing for a run shorter than one interval off a terminal', async () => {
    const out = capture(false)
    const bar = createProgressBar(out.stream, 'Ingesting', 'items', { now: () => 0 })
    bar.update(5, 10)
    bar.update(10, 10)
    bar.finish()
    await new Promise((r) => setImmediate(r))
    expect(out.text()).toBe('')
  })

  it('redraws one line on a terminal and clears it at the end', async () => {
    const out = capture(true)
    let now = 0
    const bar = createProgressBar(out.stream, 'Ingesting', 'items', { now: () => now })
    bar.update(1, 4)
    now += 50
    bar.update(2) // within 100 ms: skipped
    now += 60
    bar.update(4) // the end is always drawn
    bar.finish()
    await new Promise((r) => setImmediate(r))
    const text = out.text()
    expect(text).not.toContain('\n')
    expect(text.match(/\r/g)).toHaveLength(3)
    expect(text).toContain('100% 4/4 0.1s')
    expect(text.endsWith('\r\u001b[K')).toBe(true)
  })
})
