/**
 * @module Erasure counts in words, for the CLI and the dashboard alike.
 */
import type { ErasureCounts } from '@earshot/core'

const LABELS: Record<keyof ErasureCounts, string> = {
  mentionsDeleted: 'their mentions deleted',
  repliesRedacted: 'practice replies to them redacted',
  responseLinksDeleted: 'response links removed',
  alertsDeleted: 'alerts removed',
  replyOutboxDeleted: 'reply drafts and sends removed',
  inboxAssignmentsDeleted: 'inbox assignments removed',
  inboxNotesDeleted: 'staff notes removed',
  quarantineDeleted: 'quarantined items removed',
  webhookDeliveriesDeleted: 'stored webhook bodies removed',
}

/** One `label: n` pair per count, in a fixed order. */
export function erasureSummary(counts: ErasureCounts): Array<{ label: string; n: number }> {
  return (Object.keys(LABELS) as (keyof ErasureCounts)[]).map((k) => ({
    label: LABELS[k],
    n: counts[k],
  }))
}
