/**
 * @module The response promise as a person types it — "2 business hours, reviews within 1
 * business day" — turned into promise targets, and a promise shown back in the same words. The
 * first clause without a subject is the default; clauses naming kinds or platforms come first
 * so they win (the SLA engine takes the first target that matches).
 */
import {
  MENTION_KINDS,
  type MentionKind,
  PLATFORMS,
  type Platform,
  parseDuration,
} from '@earshot/core'

/** One target as the promise schema takes it. */
export interface PromiseTargetText {
  filter?: { kinds?: MentionKind[]; platforms?: Platform[] }
  duration: string
}

/** Plural and everyday words for kinds ("DMs" are messages). */
const KIND_WORDS: Record<string, MentionKind> = {
  ...Object.fromEntries(
    MENTION_KINDS.flatMap((k) => [
      [k, k],
      [`${k}s`, k],
    ]),
  ),
  replies: 'reply',
  dm: 'message',
  dms: 'message',
}

/** Splits the text into clauses and each into subject words and a duration. */
export function parsePromiseText(text: string): PromiseTargetText[] {
  const clauses = text
    .split(/[,;]/)
    .map((c) => c.trim())
    .filter((c) => c !== '')
  if (clauses.length === 0)
    throw new Error('type a promise, e.g. "2 business hours, reviews within 1 business day"')
  const specific: PromiseTargetText[] = []
  let fallback: PromiseTargetText | undefined
  for (const clause of clauses) {
    const m = /^(?:(.*?)\s+(?:within|in)\s+)?(.+)$/i.exec(clause)!
    const subject = (m[1] ?? '').trim()
    const duration = m[2]!.trim()
    try {
      parseDuration(duration)
    } catch (error) {
      throw new Error(`"${clause}": ${(error as Error).message}`)
    }
    if (subject === '' || /^(everything|all|anything|the rest|others?)$/i.test(subject)) {
      if (fallback)
        throw new Error(`"${clause}": only one clause may be the default (without a subject)`)
      fallback = { duration }
      continue
    }
    const kinds: MentionKind[] = []
    const platforms: Platform[] = []
    for (const word of subject
      .toLowerCase()
      .split(/[\s/&+]+|\band\b|\bor\b/)
      .filter((w) => w !== '')) {
      const kind = KIND_WORDS[word]
      if (kind) kinds.push(kind)
      else if ((PLATFORMS as readonly string[]).includes(word)) platforms.push(word as Platform)
      else
        throw new Error(
          `"${clause}": "${word}" is not a kind (${MENTION_KINDS.join(', ')}) or a platform`,
        )
    }
    specific.push({
      filter: {
        ...(kinds.length ? { kinds: [...new Set(kinds)] } : {}),
        ...(platforms.length ? { platforms: [...new Set(platforms)] } : {}),
      },
      duration,
    })
  }
  return fallback ? [...specific, fallback] : specific
}

/** The targets in the words a person would type them ("2 business hours, reviews within 1 business day"). */
export function formatPromiseText(targets: readonly PromiseTargetText[]): string {
  const fallback = targets.filter((t) => !t.filter?.kinds && !t.filter?.platforms)
  const specific = targets.filter((t) => t.filter?.kinds || t.filter?.platforms)
  return [
    ...fallback.map((t) => t.duration),
    ...specific.map((t) => {
      const subject = [
        ...(t.filter?.platforms ?? []),
        ...(t.filter?.kinds ?? []).map((k) => (k === 'reply' ? 'replies' : `${k}s`)),
      ]
      return `${subject.join(' and ')} within ${t.duration}`
    }),
  ].join(', ')
}
