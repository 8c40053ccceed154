/**
 * @module pg-boss on the embedded database. PGlite is one connection shared by the whole
 * process, and Kysely transactions hold it with a plain `begin`; a pg-boss statement sent
 * straight to PGlite in between would run inside someone else's transaction (and roll back with
 * it). So every pg-boss statement first takes Kysely's connection, exactly as a Kysely query
 * would, then runs through pg-boss's own PGlite adapter (which sends parameterless, possibly
 * multi-statement SQL through `exec`).
 */
import type { Database, EmbeddedInstance } from '@earshot/core'
import type { Kysely } from 'kysely'
import { fromPglite, type Db as IDatabase } from 'pg-boss'

/** An `IDatabase` for pg-boss that shares the embedded database with Kysely safely. */
export function embeddedJobDatabase(db: Kysely<Database>, instance: EmbeddedInstance): IDatabase {
  const inner = fromPglite(instance)
  const outer: IDatabase = {
    executeSql: (text, values) => db.connection().execute(() => inner.executeSql(text, values)),
  }
  // Session statements (pg-boss's test clock sets them) go the same way; LISTEN is in-process.
  if (inner.setSessionStatements) {
    const set = inner.setSessionStatements.bind(inner)
    outer.setSessionStatements = (statements) => db.connection().execute(() => set(statements))
  }
  if (inner.listen) outer.listen = inner.listen.bind(inner)
  return outer
}
