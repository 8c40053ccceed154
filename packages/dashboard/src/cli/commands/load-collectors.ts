/**
 * @module The slice of @earshot/collectors the CLI uses, loaded when a command needs it.
 */
import type { Database } from '@earshot/core'
import type { Kysely } from 'kysely'
import { CliError } from '../cli-error.js'

/** What `collect` and `import` call. */
export interface CollectorsForCli {
  collectDueChannels?: (
    db: Kysely<Database>,
    options: { once?: boolean; signal?: AbortSignal },
  ) => Promise<unknown>
  importFile?: (
    db: Kysely<Database>,
    options: {
      file: string
      channelId: string
      onProgress?: (done: number, total?: number) => void
    },
  ) => Promise<Record<string, unknown>>
}

/** Loads @earshot/collectors, with a clear message if it is missing. */
export async function loadCollectors(): Promise<CollectorsForCli> {
  try {
    return (await import('@earshot/collectors')) as unknown as CollectorsForCli
  } catch (error) {
    throw new CliError(`cannot load @earshot/collectors: ${(error as Error).message}`)
  }
}
