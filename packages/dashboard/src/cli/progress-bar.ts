/**
 * @module A one-line progress bar for long work (imports, demo data). Drawn on a terminal only:
 * when stderr is a file or a pipe, the bar stays silent and the caller prints the final counts.
 */
import type { Writable } from 'node:stream'

/** A progress bar; `update` is cheap enough to call per item. */
export interface ProgressBar {
  update(done: number, total?: number): void
  /** Clears the bar's line. */
  finish(): void
}

/**
 * Creates a progress bar on `stream` (normally stderr), redrawn at most every 100 ms.
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
): ProgressBar {
  if (!stream.isTTY) return { update: () => {}, finish: () => {} }
  let last = 0
  let total = 0
  let drawn = false
  const started = Date.now()
  return {
    update(done, newTotal) {
      if (newTotal !== undefined) total = newTotal
      const now = Date.now()
      if (now - last < 100 && done < total) return
      last = now
      const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - label.length - 40))
      const share = total > 0 ? Math.min(1, done / total) : 0
      const filled = Math.round(share * width)
      const seconds = ((now - started) / 1000).toFixed(1)
      const n = unit === 'bytes' ? formatBytes : (v: number) => v.toLocaleString('en')
      const counts = total > 0 ? `${n(done)}/${n(total)}` : n(done)
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
