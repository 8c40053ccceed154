/**
 * @module API tokens expire and carry scopes (issue 13, finding 9: tokens never expired and
 * could do anything their user could). Tokens made before this keep working for 90 days from
 * the migration with the read and write scopes they effectively had; new ones get what
 * `createApiToken` is asked for (least privilege by default: read only, 90 days).
 */
import { type Kysely, sql } from 'kysely'

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's Database type
type AnyDb = Kysely<any>

export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable('api_tokens').addColumn('expires_at', 'timestamptz').execute()
  await db.schema
    .alterTable('api_tokens')
    .addColumn('scopes', 'jsonb', (c) => c.notNull().defaultTo(sql`'["read","write"]'::jsonb`))
    .execute()
  await sql`update api_tokens set expires_at = now() + interval '90 days'`.execute(db)
  await db.schema
    .alterTable('api_tokens')
    .alterColumn('expires_at', (c) => c.setNotNull())
    .execute()
  await db.schema
    .alterTable('api_tokens')
    .alterColumn('scopes', (c) => c.setDefault(sql`'["read"]'::jsonb`))
    .execute()
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable('api_tokens').dropColumn('scopes').execute()
  await db.schema.alterTable('api_tokens').dropColumn('expires_at').execute()
}
