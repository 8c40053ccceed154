/**
 * @module Schema migrations, bundled in code (no filesystem scan) so they run the same from
 * source, from dist and from a single-file bundle.
 */
import { type Kysely, type Migration, type MigrationResultSet, Migrator } from 'kysely'
import * as initial from './migrations/2026-11-25-001-initial.js'
import * as userActions from './migrations/2026-12-02-001-user-actions.js'
import * as inheritedThreads from './migrations/2026-12-02-010-inherited-threads.js'
import * as channelCredentials from './migrations/2026-12-02-100-channel-credentials.js'
import * as accountLinks from './migrations/2026-12-02-110-account-links.js'
import * as oauthConnections from './migrations/2026-12-02-150-oauth-connections.js'
import * as inboxAssignments from './migrations/2026-12-02-200-inbox-assignments.js'
import * as inboxOrderIndexes from './migrations/2026-12-02-210-inbox-order-indexes.js'
import * as inboxNotesAndBulk from './migrations/2026-12-02-220-inbox-notes-and-bulk.js'
import * as inboxChanges from './migrations/2026-12-02-230-inbox-changes.js'
import * as replyOutbox from './migrations/2026-12-02-300-reply-outbox.js'
import * as webhookDeliveries from './migrations/2026-12-02-400-webhook-deliveries.js'
import * as alerts from './migrations/2026-12-02-500-alerts.js'
import * as publicBadges from './migrations/2026-12-02-510-public-badges.js'
import * as reportSchedules from './migrations/2026-12-02-550-report-schedules.js'
import * as loginAttempts from './migrations/2026-12-02-600-login-attempts.js'
import * as mentionRollups from './migrations/2026-12-02-700-mention-rollups.js'
import * as rollupRefreshLock from './migrations/2026-12-02-710-rollup-refresh-lock.js'
import * as enrichmentEvents from './migrations/2026-12-02-810-enrichment-events.js'
import * as quarantineFingerprint from './migrations/2026-12-02-900-quarantine-fingerprint.js'
import * as webhookReplays from './migrations/2026-12-02-910-webhook-replays.js'
import * as apiTokenExpiryScopes from './migrations/2026-12-02-950-api-token-expiry-scopes.js'
import * as sessionsAndTwoFactor from './migrations/2026-12-02-960-sessions-and-two-factor.js'
import * as privacy from './migrations/2026-12-02-1000-privacy.js'
import * as savedReplies from './migrations/2026-12-03-1100-saved-replies.js'
import * as rollupWritePath from './migrations/2026-12-03-1300-rollup-write-path.js'
import * as rollupReadIndexes from './migrations/2026-12-03-1350-rollup-read-indexes.js'
import * as rollupPostIndex from './migrations/2026-12-03-1351-rollup-last-post-index.js'
import * as mentionExportOrder from './migrations/2026-12-03-1450-mention-export-order.js'
import * as inboxMentionFlags from './migrations/2026-12-04-0100-inbox-mention-flags.js'
import * as channelsPracticeIndex from './migrations/2026-12-04-0200-channels-practice-index.js'
import * as rollupDeltas from './migrations/2026-12-04-0300-rollup-deltas.js'
import * as practiceDayRollups from './migrations/2026-12-05-0100-practice-day-rollups.js'
import * as liveOpenLinksIndex from './migrations/2026-12-05-0110-live-open-links-index.js'
import * as webhookDeliveryLeases from './migrations/2026-12-05-0300-webhook-delivery-leases.js'
import * as inboxFilterColumns from './migrations/2026-12-05-0400-inbox-filter-columns.js'
import * as practicesVersion from './migrations/2026-12-05-0410-practices-version.js'

/** Every migration, by name; names sort in the order they run. */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '2026-11-25-001-initial': initial,
  '2026-12-02-001-user-actions': userActions,
  '2026-12-02-010-inherited-threads': inheritedThreads,
  '2026-12-02-100-channel-credentials': channelCredentials,
  '2026-12-02-110-account-links': accountLinks,
  '2026-12-02-150-oauth-connections': oauthConnections,
  '2026-12-02-200-inbox-assignments': inboxAssignments,
  '2026-12-02-210-inbox-order-indexes': inboxOrderIndexes,
  '2026-12-02-220-inbox-notes-and-bulk': inboxNotesAndBulk,
  '2026-12-02-230-inbox-changes': inboxChanges,
  '2026-12-02-300-reply-outbox': replyOutbox,
  '2026-12-02-400-webhook-deliveries': webhookDeliveries,
  '2026-12-02-500-alerts': alerts,
  '2026-12-02-510-public-badges': publicBadges,
  '2026-12-02-550-report-schedules': reportSchedules,
  '2026-12-02-600-login-attempts': loginAttempts,
  '2026-12-02-700-mention-rollups': mentionRollups,
  '2026-12-02-710-rollup-refresh-lock': rollupRefreshLock,
  '2026-12-02-810-enrichment-events': enrichmentEvents,
  '2026-12-02-900-quarantine-fingerprint': quarantineFingerprint,
  '2026-12-02-910-webhook-replays': webhookReplays,
  '2026-12-02-950-api-token-expiry-scopes': apiTokenExpiryScopes,
  '2026-12-02-960-sessions-and-two-factor': sessionsAndTwoFactor,
  '2026-12-02-1000-privacy': privacy,
  '2026-12-03-1100-saved-replies': savedReplies,
  '2026-12-03-1300-rollup-write-path': rollupWritePath,
  '2026-12-03-1350-rollup-read-indexes': rollupReadIndexes,
  '2026-12-03-1351-rollup-last-post-index': rollupPostIndex,
  '2026-12-03-1450-mention-export-order': mentionExportOrder,
  '2026-12-04-0100-inbox-mention-flags': inboxMentionFlags,
  '2026-12-04-0200-channels-practice-index': channelsPracticeIndex,
  '2026-12-04-0300-rollup-deltas': rollupDeltas,
  '2026-12-05-0100-practice-day-rollups': practiceDayRollups,
  '2026-12-05-0110-live-open-links-index': liveOpenLinksIndex,
  '2026-12-05-0300-webhook-delivery-leases': webhookDeliveryLeases,
  '2026-12-05-0400-inbox-filter-columns': inboxFilterColumns,
  '2026-12-05-0410-practices-version': practicesVersion,
}

/**
 * Brings the schema to the latest version. Never throws: like Kysely's migrator it returns a
 * result set whose `error` says what failed.
 */
export async function migrateToLatest(db: Kysely<unknown>): Promise<MigrationResultSet> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => ({ ...MIGRATIONS }) },
    migrationTableName: 'earshot_migrations',
    migrationLockTableName: 'earshot_migrations_lock',
    // Features land in parallel with numbered ranges: a database already at 500 must still take
    // a later-landed 400 rather than refuse to start.
    allowUnorderedMigrations: true,
  })
  return migrator.migrateToLatest()
}
