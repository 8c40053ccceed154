/**
 * @module Progress of long work (imports, demo data). On a terminal, a one-line bar redrawn at
 * most every 100 ms. When stderr is a file or a pipe (a cron job, `2> import.log`, a container's
 * log), plain lines instead, at most one every `lineIntervalMs` (default 10 s), so a long run
 * still shows it is moving without flooding the log; the caller prints the final counts.
 */
import type { Writable } from 'node:stream'

/** A progress bar; `update` is cheap enough to call per item. */
export interface ProgressBar {
  update(done: number, total?: number): void
  /** Clears the bar's line (on a terminal; a log keeps its lines). */
  finish(): void
}

/** Options of {@link createProgressBar}. */
export interface ProgressBarOptions {
  /** Least time between two plain lines when the stream is not a terminal (default 10,000 ms). */
  lineIntervalMs?: number
  /** The clock, in milliseconds (default `Date.now`; tests inject one). */
  now?: () => number
}

/**
 * Creates a progress bar on `stream` (normally stderr).
 *
 * @example
 * const bar = createProgressBar(process.stderr, 'Importing')
 * bar.update(120, 5000)
 * bar.finish()
 */
export function createProgressBar(
  stream: Writable & { isTTY?: boolean; columns?: number },
  label: string,
  unit: 'items' | 'bytes' = 'items',
  options: ProgressBarOptions = {},
): ProgressBar {
  const clock = options.now ?? Date.now
  const tty = stream.isTTY === true
  const interval = tty ? 100 : (options.lineIntervalMs ?? 10_000)
  const started = clock()
  // A log's first line comes one interval in: a short run prints none, only its final counts.
  let last = tty ? Number.NEGATIVE_INFINITY : started
  let total = 0
  let drawn = false
  const n = unit === 'bytes' ? formatBytes : (v: number) => v.toLocaleString('en')
  return {
    update(done, newTotal) {
      if (newTotal !== undefined) total = newTotal
      const now = clock()
      if (now - last < interval && (!tty || done < total)) return
      last = now
      const share = total > 0 ? Math.min(1, done / total) : 0
      const seconds = ((now - started) / 1000).toFixed(1)
      const counts = total > 0 ? `${n(done)}/${n(total)}` : n(done)
      if (!tty) {
        stream.write(`${label}: ${Math.round(share * 100)}% ${counts} ${seconds}s\n`)
        return
      }
      const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - label.length - 40))
      const filled = Math.round(share * width)
      stream.write(
        `\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.round(share * 100)}% ${counts} ${seconds}s\u001b[K`,
      )
      drawn = true
    },
    finish() {
      if (drawn) stream.write('\r\u001b[K')
    },
  }
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}
