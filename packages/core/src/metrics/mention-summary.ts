/**
 * @module The columns of a mention as every list shows it (`MentionSummary`), selected once for
 * the search, the inbox and anything else that lists mentions. Expects the aliases `m`
 * (mentions), `rl` (its response link, left-joined), `c` (channel) and `p` (practice).
 */
import { slaStatusSql } from './sla-status.js'

/** The select list behind `MentionSummary`, with the SLA status evaluated at `now`. */
export function mentionSummarySelection(now: Date) {
  return [
    'm.id',
    'm.practice_id as practiceId',
    'p.name as practiceName',
    'm.channel_id as channelId',
    'c.name as channelName',
    'm.platform',
    'm.kind',
    'm.direction',
    'm.thread_key as threadKey',
    'm.created_at as createdAt',
    'm.deleted_at as deletedAt',
    'm.author_name as authorName',
    'm.author_handle as authorHandle',
    'm.text',
    'm.permalink',
    'm.category',
    'm.needs_reply as needsReply',
    'm.sentiment_score as sentimentScore',
    'm.sentiment_label as sentimentLabel',
    'm.privacy',
    'm.urgent',
    'm.rating',
    slaStatusSql(now, 'rl').as('status'),
    'rl.due_at as dueAt',
    'rl.responded_at as respondedAt',
    'rl.target_name as targetName',
  ] as const
}
