/**
 * @module Streams the elements of a top-level JSON array one at a time, so a file of any size is
 * read with the memory of its largest element. Each element is returned as JSON text.
 */

import { EarshotError } from '@earshot/core'

/** A file that is not a JSON array is the caller's input to fix: said plainly, never a crash. */
const malformed = (message: string) => new EarshotError('INVALID_INPUT', message)

/**
 * Yields the JSON text of each element of the array that `chunks` spell out. Throws when the
 * input is not an array or is truncated; elements themselves are not validated here.
 */
export async function* splitJsonArray(chunks: AsyncIterable<string>): AsyncGenerator<string> {
  let started = false
  let done = false
  let depth = 0
  let inString = false
  let escaped = false
  let buffered = ''
  for await (const chunk of chunks) {
    let start = 0
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]
      if (!started) {
        if (c === '[') {
          started = true
          start = i + 1
        } else if (!isSpace(c)) throw malformed('the JSON file is not an array of records')
        continue
      }
      if (done) {
        if (!isSpace(c)) throw malformed('unexpected data after the closing ] of the JSON array')
        continue
      }
      if (inString) {
        if (escaped) escaped = false
        else if (c === '\\') escaped = true
        else if (c === '"') inString = false
        continue
      }
      if (c === '"') inString = true
      else if (c === '{' || c === '[') depth++
      else if (c === '}' || (c === ']' && depth > 0)) depth--
      else if (c === ']' || (c === ',' && depth === 0)) {
        const element = (buffered + chunk.slice(start, i)).trim()
        buffered = ''
        start = i + 1
        if (c === ']') done = true
        if (element) yield element
        else if (c === ',') throw malformed('empty element in the JSON array')
      }
    }
    if (started && !done) buffered += chunk.slice(start)
  }
  if (!done)
    throw malformed(
      started ? 'the JSON array is not closed (is the file truncated?)' : 'the file is empty',
    )
}

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\n' || c === '\r' || c === '\t' || c === '\uFEFF'
}
