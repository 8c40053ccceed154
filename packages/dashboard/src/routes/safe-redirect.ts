/**
 * @module Where to send the browser back to after a form: only paths on this site.
 */

/** `target` when it is a local path (`/…`, not `//…` or `/\…`), else `fallback`. */
export function localPath(target: unknown, fallback: string): string {
  if (
    typeof target !== 'string' ||
    !target.startsWith('/') ||
    target.startsWith('//') ||
    target.startsWith('/\\')
  )
    return fallback
  return target.length > 2000 ? fallback : target
}
