/**
 * @module bench:scale, row-level export: one organisation's inbound mentions of a period through
 * the real `exportMentionsCsv`, in a child process (its peak RSS, `process.resourceUsage()
 * .maxRSS`, is the whole exporting process: Node, the driver and the stream), next to a raw
 * `COPY (select … the same rows …) TO STDOUT` in this process in the same run. Prints
 * `scale.export_rows_per_s`, `scale.export_rss_mb`, `scale.export_copy_rows_per_s`,
 * `scale.export_vs_copy` and `scale.export_mb`.
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import pg from 'pg'
import { to as copyTo } from 'pg-copy-streams'

export interface ExportBenchInput {
  url: string
  organisationId: string
  from: Date
  to: Date
  now: Date
  runs: number
  metric: (name: string, value: number, digits?: number) => void
}

const child = fileURLToPath(new URL('./export-child.ts', import.meta.url))

export async function benchExport(input: ExportBenchInput): Promise<void> {
  const client = new pg.Client({ connectionString: input.url })
  await client.connect()
  try {
    const where = `m.organisation_id = ${client.escapeLiteral(input.organisationId)} and not m.is_tombstone
      and m.direction = 'inbound' and m.created_at >= ${client.escapeLiteral(input.from.toISOString())}
      and m.created_at < ${client.escapeLiteral(input.to.toISOString())}`
    const count = await client.query<{ n: string }>(
      `select count(*) as n from mentions m where ${where}`,
    )
    const rows = Number(count.rows[0]!.n)
    const rates: number[] = []
    const rss: number[] = []
    let bytes = 0
    for (let i = 0; i < input.runs; i++) {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--conditions=@earshot/source', '--import', 'tsx', child],
        {
          env: {
            ...process.env,
            EARSHOT_EXPORT_ARGS: JSON.stringify({
              url: input.url,
              organisationId: input.organisationId,
              from: input.from.toISOString(),
              to: input.to.toISOString(),
              now: input.now.toISOString(),
            }),
          },
          maxBuffer: 1 << 20,
        },
      )
      const r = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
        seconds: number
        bytes: number
        maxRssMb: number
      }
      rates.push(rows / r.seconds)
      rss.push(r.maxRssMb)
      bytes = r.bytes
    }
    // The same rows and columns, unencoded, as fast as the server can hand them over.
    const copyRates: number[] = []
    for (let i = 0; i < input.runs; i++) {
      const t = performance.now()
      const stream = client.query(
        copyTo(`copy (select m.*, rl.*, c.name, p.name from mentions m
          left join response_links rl on rl.organisation_id = m.organisation_id and rl.inbound_id = m.id
          join channels c on c.organisation_id = m.organisation_id and c.id = m.channel_id
          join practices p on p.organisation_id = m.organisation_id and p.id = m.practice_id
          where ${where} order by m.created_at, m.id) to stdout with (format csv)`),
      )
      for await (const _chunk of stream) {
        // drained
      }
      copyRates.push(rows / ((performance.now() - t) / 1000))
    }
    const mid = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
    console.log(`# export: ${rows} rows, ${(bytes / 1e6).toFixed(1)} MB of CSV, ${input.runs} runs`)
    input.metric('scale.export_rows', rows, 0)
    input.metric('scale.export_rows_per_s', mid(rates), 0)
    input.metric('scale.export_rss_mb', Math.max(...rss), 0)
    input.metric('scale.export_copy_rows_per_s', mid(copyRates), 0)
    input.metric('scale.export_vs_copy', mid(rates) / mid(copyRates), 2)
    input.metric('scale.export_mb', bytes / 1e6, 1)
  } finally {
    await client.end()
  }
}
