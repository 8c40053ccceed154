/**
 * @module The export under measurement, alone in a fresh process so its peak RSS
 * (`process.resourceUsage().maxRSS`) is the export's and nothing else's: streams
 * `exportMentionsCsvBytes` (what the CSV route writes) into a sink that honours backpressure,
 * then prints one JSON line.
 */
import { Readable, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { exportMentionsCsvBytes } from '../../src/metrics/export-mention-rows.js'
import { openDatabase } from '../../src/storage/open-database.js'

const args = JSON.parse(process.env.EARSHOT_EXPORT_ARGS!) as {
  url: string
  organisationId: string
  from: string
  to: string
  now: string
}
const { db, close } = await openDatabase({ url: args.url, migrate: false, poolSize: 2 })
let bytes = 0
const started = performance.now()
await pipeline(
  Readable.from(
    exportMentionsCsvBytes(db, {
      organisationId: args.organisationId,
      from: new Date(args.from),
      to: new Date(args.to),
      now: new Date(args.now),
      direction: 'inbound',
    }),
  ),
  new Writable({
    write(chunk: Buffer, _e, done) {
      bytes += chunk.length
      done()
    },
  }),
)
const seconds = (performance.now() - started) / 1000
await close()
process.stdout.write(
  `${JSON.stringify({ seconds, bytes, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`,
)
