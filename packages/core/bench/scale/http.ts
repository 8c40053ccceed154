/**
 * @module bench:scale, HTTP load: runs the dashboard's `bench/http-load.ts` (the real `earshot
 * serve` under autocannon while web-chat deliveries are ingested) as a child process on the data
 * set just generated, and passes its `METRIC scale.http_*` lines through. A child process and a
 * file path, not an import: core does not depend on the dashboard.
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export interface HttpBenchInput {
  url: string
  organisationId: string
  /** Practices the mix reads; the first one's inbox is read, the last one takes the deliveries. */
  practiceIds: string[]
}

const dashboard = fileURLToPath(new URL('../../../dashboard/', import.meta.url))
const script = `${dashboard}bench/http-load.ts`

/** Resolves with the child's exit code; a missing dashboard package is skipped with a note. */
export function benchHttp(input: HttpBenchInput): Promise<number> {
  if (!existsSync(script)) {
    console.log('# http: packages/dashboard is not here; HTTP load skipped')
    return Promise.resolve(0)
  }
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=@earshot/source', '--import', 'tsx', script],
      {
        cwd: dashboard,
        env: {
          ...process.env,
          EARSHOT_BENCH_DATABASE_URL: input.url,
          EARSHOT_HTTP_ORG: input.organisationId,
          EARSHOT_HTTP_PRACTICES: input.practiceIds.join(','),
        },
        stdio: ['ignore', 'inherit', 'inherit'],
      },
    )
    child.once('error', reject)
    child.once('exit', (code, signal) => {
      if (code !== 0) console.log(`# http: the HTTP bench exited ${code ?? signal}`)
      resolve(code ?? 1)
    })
  })
}
