/**
 * @module Sessions a user can see and revoke (a public id, the device, when it was last used,
 * when the password was last entered for re-authentication, and a stage: a session waiting for
 * its second factor is not signed in), and TOTP two-factor: the secret sealed with the keyring
 * (never in clear), the last time step used (no code works twice), and hashed recovery codes.
 */
import { type Kysely, sql } from 'kysely'

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's Database type
type AnyDb = Kysely<any>

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .alterTable('sessions')
    .addColumn('public_id', 'text', (c) => c.notNull().defaultTo(sql`gen_random_uuid()::text`))
    .execute()
  await db.schema.alterTable('sessions').addColumn('user_agent', 'text').execute()
  await db.schema.alterTable('sessions').addColumn('last_seen_at', 'timestamptz').execute()
  await db.schema.alterTable('sessions').addColumn('authenticated_at', 'timestamptz').execute()
  await db.schema
    .alterTable('sessions')
    .addColumn('stage', 'text', (c) => c.notNull().defaultTo('active'))
    .execute()
  await sql`update sessions set authenticated_at = created_at, last_seen_at = created_at`.execute(
    db,
  )
  await db.schema
    .createIndex('sessions_user_idx')
    .on('sessions')
    .columns(['organisation_id', 'user_id'])
    .execute()

  await db.schema.alterTable('users').addColumn('totp_key_id', 'text').execute()
  await db.schema.alterTable('users').addColumn('totp_ciphertext', 'text').execute()
  await db.schema.alterTable('users').addColumn('totp_enabled_at', 'timestamptz').execute()
  await db.schema.alterTable('users').addColumn('totp_last_step', 'bigint').execute()

  await db.schema
    .createTable('recovery_codes')
    .addColumn('organisation_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .addPrimaryKeyConstraint('recovery_codes_pk', ['organisation_id', 'user_id', 'code_hash'])
    .addForeignKeyConstraint(
      'recovery_codes_user_fk',
      ['organisation_id', 'user_id'],
      'users',
      ['organisation_id', 'id'],
      (fk) => fk.onDelete('cascade'),
    )
    .execute()
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('recovery_codes').execute()
  for (const column of ['totp_last_step', 'totp_enabled_at', 'totp_ciphertext', 'totp_key_id'])
    await db.schema.alterTable('users').dropColumn(column).execute()
  await db.schema.dropIndex('sessions_user_idx').execute()
  for (const column of ['stage', 'authenticated_at', 'last_seen_at', 'user_agent', 'public_id'])
    await db.schema.alterTable('sessions').dropColumn(column).execute()
}
