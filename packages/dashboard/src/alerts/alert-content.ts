/**
 * @module What an alert says: what happened, which item (platform and kind, never the patient's
 * words unless the practice opted in), how long until it is due, and a link straight to it.
 * Subjects and chat previews can land on a lock screen, so patient text goes only into the body,
 * and only with the practice's opt-in.
 */
import { formatDuration } from '@earshot/core'
import { type AlertRuleName, RULE_DEFINITIONS } from './alert-rules.js'
import { safeReplyFor } from './emergency-numbers.js'

export interface AlertForContent {
  id: string
  rule: AlertRuleName
  practiceName: string
  holidayRegion: string | null
  mentionId: string | null
  dueAt: Date | null
  createdAt: Date
  detail: Record<string, unknown>
  /** Set only when the practice opted in to patient text in notifications. */
  patientText?: string | null
  /** The on-call route: add the safe reply. */
  onCall?: boolean
}

export interface AlertContent {
  /** No patient text ever. */
  title: string
  /** Lines of plain text; the patient excerpt is among them only with the opt-in. */
  lines: string[]
  /** A link straight to the item (or to the alert when there is no item). */
  link: string
  alertLink: string
  safeReply?: string
}

const PLATFORM_NAMES: Readonly<Record<string, string>> = {
  facebook: 'Facebook',
  instagram: 'Instagram',
  x: 'X',
  google: 'Google',
  youtube: 'YouTube',
  rss: 'RSS',
  webhook: 'website',
  import: 'import',
}

function itemName(detail: Record<string, unknown>): string {
  const platform = PLATFORM_NAMES[String(detail.platform ?? '')] ?? String(detail.platform ?? '')
  const kind = String(detail.kind ?? 'item')
  return `${platform} ${kind}`.trim()
}

/** "due in 25 min", "overdue by 1 h 30 min". */
export function dueText(dueAt: Date | null, now: Date): string | null {
  if (!dueAt) return null
  const ms = dueAt.getTime() - now.getTime()
  const human = formatDuration(Math.round(Math.max(60_000, Math.abs(ms)) / 60_000) * 60_000, {
    maxUnits: 2,
  })
  return ms >= 0 ? `due in ${human}` : `overdue by ${human}`
}

export function buildAlertContent(
  alert: AlertForContent,
  options: { baseUrl: string; now: Date },
): AlertContent {
  const def = RULE_DEFINITIONS[alert.rule]
  const base = options.baseUrl.replace(/\/+$/, '')
  const alertLink = `${base}/alerts/${encodeURIComponent(alert.id)}`
  const link = alert.mentionId
    ? `${base}/mentions/${encodeURIComponent(alert.mentionId)}`
    : alertLink
  const lines: string[] = []
  const d = alert.detail
  switch (alert.rule) {
    case 'sla_at_risk':
    case 'sla_breached':
    case 'urgent':
    case 'privacy':
      lines.push(`${def.headline}: a ${itemName(d)}.`)
      break
    case 'low_rating':
      lines.push(`${def.headline}: ${String(d.rating)}★ on ${itemName(d).split(' ')[0]}.`)
      break
    case 'spike_negative':
    case 'spike_volume':
      lines.push(
        `${def.headline}: ${String(d.count)} in the last 24 hours (usual ${String(d.baselineMean)} a day).`,
      )
      break
    case 'page_quiet':
      lines.push(
        `${def.headline}: nothing in or out for ${String(d.quietDays)} days or more` +
          (d.lastActivityAt ? ` (last activity ${String(d.lastActivityAt).slice(0, 10)}).` : '.'),
      )
      break
    case 'collector_failing':
      lines.push(
        `${def.headline}: ${String(d.channelName ?? 'a channel')} (${String(d.platform)}) is ${
          d.status === 'needs_reauth' ? 'waiting to be reconnected' : 'failing'
        }.`,
      )
      break
  }
  const due = dueText(alert.dueAt, options.now)
  if (due) lines.push(`Reply ${due}.`)
  if (alert.patientText) lines.push(`They wrote: “${alert.patientText.slice(0, 280)}”`)
  const safeReply = alert.onCall ? safeReplyFor(alert.holidayRegion, alert.practiceName) : undefined
  if (safeReply) lines.push(`Suggested safe reply: ${safeReply}`)
  lines.push(`Open it: ${link}`)
  const title = `${alert.onCall ? 'On call — ' : ''}${alert.practiceName}: ${def.headline}${
    due ? ` (${due})` : ''
  }`
  return { title, lines, link, alertLink, ...(safeReply ? { safeReply } : {}) }
}
