/**
 * @module Where to send the browser back to after a form: only paths on this site.
 */

const PROBE_ORIGIN = 'https://earshot.invalid'

/**
 * `target` when it is a local path, else `fallback`. Browsers drop tabs and newlines inside a
 * URL and read `\` as `/`, so `/\t/evil.example` is `//evil.example` to them: anything with a
 * control character, whitespace or a backslash is refused, and what is left must resolve to
 * this site.
 */
export function localPath(target: unknown, fallback: string): string {
  if (typeof target !== 'string' || target.length > 2000) return fallback
  if (!target.startsWith('/') || /[\u0000-\u0020\u007f-\u009f\\]/.test(target)) return fallback
  if (target.startsWith('//')) return fallback
  let resolved: URL
  try {
    resolved = new URL(target, PROBE_ORIGIN)
  } catch {
    return fallback
  }
  return resolved.origin === PROBE_ORIGIN ? target : fallback
}
