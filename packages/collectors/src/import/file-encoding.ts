/**
 * @module The text encoding of an import file. Exports from older tools are often Latin-1 or
 * Windows-1252; read as UTF-8 their accented letters would silently become U+FFFD (issue 13,
 * finding 3). So a file is checked to be valid UTF-8 before anything is imported, and refused
 * with a clear message unless the caller declares its encoding.
 */
import { createReadStream } from 'node:fs'
import { EarshotError } from '@earshot/core'

/** Encodings an import file may be declared in. `latin1` is read as Windows-1252 (its superset, as browsers do). */
export const IMPORT_ENCODINGS = ['utf-8', 'latin1', 'windows-1252'] as const
export type ImportEncoding = (typeof IMPORT_ENCODINGS)[number]

/** A decoder for one file: fatal for UTF-8, so a bad byte throws instead of becoming U+FFFD. */
export function importDecoder(encoding: ImportEncoding): TextDecoder {
  return new TextDecoder(encoding, { fatal: encoding === 'utf-8', ignoreBOM: false })
}

/**
 * Throws an `INVALID_INPUT` EarshotError naming the first offending byte when the file is not
 * valid UTF-8. Streams the file once; nothing is imported before this passes.
 */
export async function assertUtf8File(path: string): Promise<void> {
  const decoder = importDecoder('utf-8')
  let offset = 0
  for await (const chunk of createReadStream(path, { highWaterMark: 64 * 1024 })) {
    const bytes = chunk as Buffer
    try {
      decoder.decode(bytes, { stream: true })
    } catch {
      throw notUtf8(path, offset + firstInvalidUtf8Byte(bytes))
    }
    offset += bytes.length
  }
  try {
    decoder.decode()
  } catch {
    throw notUtf8(path, offset)
  }
}

function notUtf8(path: string, offset: number): EarshotError {
  return new EarshotError(
    'INVALID_INPUT',
    `${path} is not valid UTF-8 (first invalid byte at offset ${offset}); it may be Latin-1 or Windows-1252. Nothing was imported: convert it to UTF-8, or declare its encoding (--encoding latin1)`,
  )
}

/**
 * Offset of the first byte that cannot start or continue a UTF-8 sequence in `bytes` (an
 * approximation when a sequence started in the previous chunk: then it points at the chunk start).
 */
export function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  let i = 0
  while (i < bytes.length) {
    const b = bytes[i]!
    const length =
      b < 0x80
        ? 1
        : b >= 0xc2 && b < 0xe0
          ? 2
          : b >= 0xe0 && b < 0xf0
            ? 3
            : b >= 0xf0 && b < 0xf5
              ? 4
              : 0
    if (length === 0) return i
    if (i + length > bytes.length) return i
    for (let k = 1; k < length; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return i
    i += length
  }
  return 0
}
