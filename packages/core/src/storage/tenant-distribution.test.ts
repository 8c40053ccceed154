/**
 * docs/scaling.md § Distributing by tenant (Citus) claims which tables can be distributed by
 * `organisation_id` as they are, which cannot yet (and why), and which are keyed otherwise. This
 * test reads the migrated schema's catalog, so a new table or key cannot silently break the claim:
 * every table must be listed, every co-located table's primary key, unique indexes and foreign
 * keys must include `organisation_id`, and every listed blocker must still be one (fixing it
 * means moving it to the co-located list, and the docs with it).
 */
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type EarshotDatabase, openDatabase } from './open-database.js'

/** Distributed by `organisation_id`, co-located with `organisations` (distributed by `id`). */
const CO_LOCATED = [
  'alert_deliveries',
  'alert_endpoints',
  'alert_preferences',
  'alert_reads',
  'alert_rules',
  'alerts',
  'channel_credentials',
  'enrichment_events',
  'erasure_records',
  'inbox_assignments',
  'inbox_bulk_actions',
  'inbox_notes',
  'mention_practice_days',
  'mention_rollup_histograms',
  'mention_rollups',
  'mentions',
  'overrides',
  'practices',
  'privacy_settings',
  'promises',
  'recovery_codes',
  'reply_outbox',
  'response_links',
  'saved_replies',
  'schedules',
  'user_actions',
]

/** Tenant tables with a key that does not include `organisation_id` (the docs give the fix). */
const BLOCKERS = [
  'account_links', // unique token_hash: the link is redeemed before the tenant is known
  'api_tokens', // unique token_hash: a bearer token is looked up before the tenant is known
  'channels', // unique id: webhooks arrive on /hooks/:platform/:channelId
  'inbox_changes', // primary key seq: one global change sequence
  'oauth_connections', // unique state_hash: the OAuth callback carries only the state
  'public_badges', // unique public_id: the public badge URL carries only it
  'quarantine', // primary key id, unique fingerprint
  'report_schedules', // primary key id
  'report_sends', // primary key id, unique (schedule_id, period), foreign key on schedule_id
  'sessions', // primary key id_hash: the cookie carries only the session
  'users', // unique lower(email): sign-in starts from the e-mail alone
]

/** Not tenant data: distributed by their own key (not co-located) or kept on the coordinator. */
const OWN_KEY = ['login_attempts', 'request_counters', 'webhook_deliveries', 'webhook_replays']
const COORDINATOR = ['earshot_migrations', 'earshot_migrations_lock', 'organisations']

interface Keys {
  table: string
  /** Each key (primary, unique index, foreign key) as its column list or expression. */
  keys: { kind: string; name: string; columns: string }[]
}

let database: EarshotDatabase
let tables: Keys[]

beforeAll(async () => {
  database = await openDatabase()
  const { rows } = await sql<{ table: string; kind: string; name: string; columns: string }>`
    select c.relname as "table", 'primary or unique' as kind, i.relname as name,
           pg_get_indexdef(i.oid) as columns
      from pg_index x
      join pg_class c on c.oid = x.indrelid
      join pg_class i on i.oid = x.indexrelid
      join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = current_schema() and x.indisunique
    union all
    select c.relname, 'foreign key', k.conname, pg_get_constraintdef(k.oid)
      from pg_constraint k
      join pg_class c on c.oid = k.conrelid
      join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = current_schema() and k.contype = 'f'
    union all
    select c.relname, 'table', c.relname, ''
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = current_schema() and c.relkind in ('r', 'p')`.execute(database.db)
  const byTable = new Map<string, Keys>()
  for (const row of rows) {
    const entry = byTable.get(row.table) ?? { table: row.table, keys: [] }
    if (row.kind !== 'table') entry.keys.push(row)
    byTable.set(row.table, entry)
  }
  tables = [...byTable.values()]
})
afterAll(async () => {
  await database?.close()
})

/** A key spans the tenant when `organisation_id` is one of its columns. */
const spansTenant = (key: { columns: string }) => /\borganisation_id\b/.test(key.columns)

describe('the schema against the tenant distribution in docs/scaling.md', () => {
  it('lists every table exactly once', () => {
    const listed = [...CO_LOCATED, ...BLOCKERS, ...OWN_KEY, ...COORDINATOR]
    expect(new Set(listed).size).toBe(listed.length)
    expect(tables.map((t) => t.table).sort()).toEqual(listed.sort())
  })

  it('keys every co-located table by organisation_id: primary key, unique indexes and foreign keys', () => {
    const offending = tables
      .filter((t) => CO_LOCATED.includes(t.table))
      .flatMap((t) => t.keys.filter((k) => !spansTenant(k)).map((k) => `${t.table}: ${k.name}`))
    expect(offending).toEqual([])
    for (const t of tables.filter((t) => CO_LOCATED.includes(t.table)))
      expect(t.keys.length, `${t.table} has a primary key`).toBeGreaterThan(0)
  })

  it('still finds each listed blocker blocking (a fixed one moves to the co-located list)', () => {
    const stillBlocking = tables
      .filter((t) => BLOCKERS.includes(t.table))
      .filter((t) => t.keys.some((k) => !spansTenant(k)))
      .map((t) => t.table)
    expect(stillBlocking.sort()).toEqual([...BLOCKERS].sort())
  })
})
