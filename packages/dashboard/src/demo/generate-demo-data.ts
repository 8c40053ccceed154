/**
 * @module The demo data set as plain values: the agency, its practices and channels, its users,
 * and 90 days of mentions. Pure and deterministic (seeded), so tests can check its shape and
 * `earshot demo` builds the same story on every machine; {@link seedDemo} writes it to a database.
 */
import {
  type BusinessCalendar,
  createBusinessCalendar,
  type MentionInput,
  type Platform,
} from '@earshot/core'
import { DateTime } from 'luxon'
import {
  DEMO_ORGANISATION,
  DEMO_PASSWORD,
  DEMO_PRACTICES,
  DEMO_USERS,
  type DemoChannelProfile,
  type DemoPracticeProfile,
} from './demo-practices.js'
import {
  authorName,
  autoReplyText,
  type DemoCategory,
  deservesReply,
  followUpText,
  inboundText,
  ownPostText,
  replyText,
  reviewText,
  thanksText,
} from './demo-texts.js'
import { createRandom, type Random } from './random.js'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** Options of {@link generateDemoData}. */
export interface GenerateDemoDataOptions {
  /** Same seed, same data (default 2026). */
  seed?: number | string
  /** The end of the generated history; mentions span `days` before it (default: now). */
  now?: Date
  /** Days of history (default 90). */
  days?: number
  /** Volume multiplier for inbound traffic (default 1; tests use less). */
  scale?: number
}

/** A user the demo creates. */
export interface DemoUser {
  email: string
  name: string
  role: 'agency_admin' | 'practice_manager' | 'viewer'
  practiceIds: string[]
}

/** Everything `earshot demo` writes. */
export interface DemoDataset {
  organisation: { id: string; name: string }
  practices: readonly DemoPracticeProfile[]
  users: DemoUser[]
  /** The password of every demo user. */
  password: string
  /** Every mention, oldest first, with explicit directions and thread keys. */
  items: MentionInput[]
  now: Date
}

/** Relative inbound volume by ISO weekday (1 = Monday): Monday peaks, weekends are quiet. */
const WEEKDAY_FACTOR = [0, 1.45, 1.15, 1.05, 1, 0.95, 0.5, 0.4]

/** Relative inbound volume by local hour: business hours, with an evening scroll peak. */
const HOUR_WEIGHTS = [
  0.1, 0.05, 0.05, 0.05, 0.1, 0.2, 0.5, 1.2, 2, 2.2, 2, 1.8, 2, 1.8, 1.6, 1.5, 1.4, 1.3, 1.2, 1.4,
  1.5, 1.2, 0.7, 0.3,
]
const HOURS = HOUR_WEIGHTS.map((w, h) => [h, w] as const)

/**
 * Generates the demo data set. Deterministic for a given `seed`, `now`, `days` and `scale`.
 *
 * @example
 * const data = generateDemoData({ seed: 1, now: new Date('2026-11-25T00:00:00Z'), scale: 0.2 })
 * data.items.length // a few hundred mentions
 */
export function generateDemoData(options: GenerateDemoDataOptions = {}): DemoDataset {
  const now = options.now ?? new Date()
  const days = options.days ?? 90
  const scale = options.scale ?? 1
  const root = createRandom(options.seed ?? 2026)
  const items: MentionInput[] = []
  for (const practice of DEMO_PRACTICES) {
    items.push(...generatePractice(practice, root.fork(practice.id), now, days, scale))
  }
  items.sort((a, b) => time(a) - time(b) || a.externalId.localeCompare(b.externalId))
  return {
    organisation: { ...DEMO_ORGANISATION },
    practices: DEMO_PRACTICES,
    users: DEMO_USERS.map((u) => ({ ...u, practiceIds: [...u.practiceIds] })),
    password: DEMO_PASSWORD,
    items,
    now,
  }
}

function time(item: MentionInput): number {
  return (item.createdAt as Date).getTime()
}

interface OwnPost {
  externalId: string
  at: number
}

/** Everything about one practice's history; ids are numbered per practice, so practices do not shift each other. */
function generatePractice(
  practice: DemoPracticeProfile,
  rng: Random,
  now: Date,
  days: number,
  scale: number,
): MentionInput[] {
  const calendar = createBusinessCalendar(practice.schedule)
  const zone = practice.schedule.timeZone
  const nowMs = now.getTime()
  const startMs = nowMs - days * DAY
  const out: MentionInput[] = []
  let seq = 0
  const nextId = (channel: DemoChannelProfile, prefix: string) =>
    `${channel.externalAccountId}_${prefix}${++seq}`
  const behaviour = practice.behaviour

  // The practice's own posts: the content patients comment on, and the liveness signal.
  const posts = new Map<string, OwnPost[]>()
  const postChannels = practice.channels.filter(
    (c) => c.platform === 'facebook' || c.platform === 'instagram',
  )
  const firstLocalDay = DateTime.fromMillis(startMs, { zone }).startOf('day')
  for (let d = 0; d <= days; d++) {
    const dayStart = firstLocalDay.plus({ days: d })
    const daysAgo = (nowMs - dayStart.toMillis()) / DAY
    // Even a dead page was set up with a launch post.
    const launch = d === 1 && behaviour.silentForDays !== undefined
    if (!launch && behaviour.silentForDays !== undefined && daysAgo < behaviour.silentForDays)
      continue
    for (const channel of postChannels) {
      const mean =
        (behaviour.ownPostsPerWeek / 7) *
        (channel.platform === 'facebook' ? 0.6 : 0.4) *
        (postChannels.length === 1 ? 1 / 0.6 : 1)
      const count = launch && channel.platform === 'facebook' ? 1 : rng.poisson(mean)
      for (let i = 0; i < count; i++) {
        const at = dayStart.set({ hour: rng.int(8, 17), minute: rng.int(0, 59) }).toMillis()
        if (at > nowMs || at < startMs) continue
        const externalId = nextId(channel, 'post')
        const list = posts.get(channel.id) ?? []
        list.push({ externalId, at })
        posts.set(channel.id, list)
        out.push(
          outbound(channel, practice, {
            externalId,
            kind: 'post',
            threadKey: externalId,
            text: ownPostText(rng, practice),
            at,
          }),
        )
      }
    }
  }

  const categories: ReadonlyArray<readonly [DemoCategory, number]> = [
    ['question', 0.2],
    ['booking', 0.18],
    ['complaint', practice.behaviour.meanRating < 4 ? 0.1 : 0.06],
    ['clinical', 0.08],
    ['privacy', 0.04],
    ['feedback', 0.04],
    ['praise', 0.13],
    ['chatter', 0.12],
    ['spam', behaviour.spamWeight],
  ]
  const channelWeights = practice.channels.map((c) => [c, c.share] as const)

  for (let d = 0; d <= days; d++) {
    const dayStart = firstLocalDay.plus({ days: d })
    // Slow growth over the quarter: pages gain followers.
    const trend = 0.85 + (0.3 * d) / days
    const count = rng.poisson(
      behaviour.inboundPerDay * scale * WEEKDAY_FACTOR[dayStart.weekday]! * trend,
    )
    const spike =
      behaviour.spike && d === days - behaviour.spike.daysAgo
        ? Math.ceil(behaviour.spike.extra * Math.min(1, scale * 2))
        : 0
    for (let i = 0; i < count + spike; i++) {
      const at = dayStart
        .set({ hour: rng.weighted(HOURS), minute: rng.int(0, 59), second: rng.int(0, 59) })
        .toMillis()
      if (at > nowMs || at < startMs) continue
      const channel = rng.weighted(channelWeights)
      const category = i >= count ? 'complaint' : rng.weighted(categories)
      out.push(...conversation(practice, channel, category, at))
    }
  }
  return out

  /** One inbound mention and everything that follows it in its thread. */
  function conversation(
    p: DemoPracticeProfile,
    channel: DemoChannelProfile,
    category: DemoCategory,
    at: number,
  ): MentionInput[] {
    const name = authorName(rng, p.country)
    const firstName = name.split(' ')[0]!
    const author = {
      id: `${channel.platform}-user-${hashName(name)}`,
      name,
      handle: name.toLowerCase().replace(/[^a-z]/g, ''),
    }
    const thread: MentionInput[] = []

    if (channel.platform === 'google') {
      const rating = drawRating(rng, p.behaviour.meanRating)
      const externalId = nextId(channel, 'review')
      thread.push(
        inbound(channel, {
          externalId,
          kind: 'review',
          threadKey: externalId,
          author,
          text: reviewText(rng, rating, p, name),
          at,
          rating,
        }),
      )
      if (rng.chance(p.behaviour.reviewReplyRate)) {
        const replyAt = reviewReplyTime(p, calendar, at)
        if (replyAt <= nowMs) {
          thread.push(
            outbound(channel, p, {
              externalId: nextId(channel, 'reply'),
              kind: 'reply',
              threadKey: externalId,
              parent: externalId,
              text: replyText(rng, 'review', p, firstName, rating),
              at: replyAt,
            }),
          )
        }
      }
      return thread
    }

    // Where the message lands: a comment under a recent own post, a private message, a mention.
    const recent = (posts.get(channel.id) ?? []).filter(
      (post) => post.at < at && at - post.at < 10 * DAY,
    )
    const publicish =
      category === 'spam' ||
      category === 'chatter' ||
      category === 'praise' ||
      category === 'question' ||
      category === 'privacy' ||
      category === 'clinical'
    let kind: MentionInput['kind']
    let parent: string | undefined
    if (channel.platform === 'x') kind = 'mention'
    else if (channel.platform === 'webchat') kind = 'message'
    else if (recent.length > 0 && publicish && rng.chance(0.7)) {
      kind = 'comment'
      parent = rng.pick(recent).externalId
    } else if (channel.platform === 'facebook' && category === 'spam') kind = 'post'
    else kind = 'message'

    const externalId = nextId(channel, kind)
    // A comment and its replies form a sub-thread of the post; a conversation is its own thread.
    const threadKey =
      kind === 'message' ? `${channel.externalAccountId}_conv_${author.id}` : externalId
    const text = inboundText(rng, category, p, name)
    thread.push(inbound(channel, { externalId, kind, threadKey, parent, author, text, at }))

    if (
      kind === 'message' &&
      channel.platform === 'facebook' &&
      p.behaviour.replyStyle === 'steady'
    ) {
      thread.push(
        outbound(channel, p, {
          externalId: nextId(channel, 'auto'),
          kind: 'message',
          threadKey,
          text: autoReplyText(),
          at: at + 4000,
          isAutoReply: true,
        }),
      )
    }

    // Attentive pages also thank people who needed no answer; nobody answers spam.
    const answered = deservesReply(category)
      ? rng.chance(p.behaviour.replyRate)
      : category !== 'spam' &&
        rng.chance(p.behaviour.replyRate * (category === 'praise' ? 0.6 : 0.3))
    // The last day and a half is still being worked through: the inbox has pending and at-risk
    // items whatever the time of day `earshot demo` runs.
    const backlog =
      nowMs - at < 36 * HOUR && p.behaviour.replyStyle !== 'fast-in-hours' && rng.chance(0.5)
    const replyAt =
      answered && !backlog ? replyTime(p, calendar, at, rng) : Number.POSITIVE_INFINITY

    // People who wait write again; one reply answers both.
    if (deservesReply(category) && replyAt - at > 2 * HOUR && rng.chance(0.18)) {
      const againAt = at + Math.round(Math.min(rng.logNormal(50 * MINUTE, 0.8), 20 * HOUR))
      if (againAt < replyAt && againAt <= nowMs) {
        thread.push(
          inbound(channel, {
            externalId: nextId(channel, kind === 'comment' ? 'comment' : kind),
            kind: kind === 'comment' ? 'reply' : kind,
            threadKey,
            parent: kind === 'comment' ? externalId : undefined,
            author,
            text: followUpText(rng),
            at: againAt,
          }),
        )
      }
    }
    if (replyAt <= nowMs) {
      const replyKind = kind === 'message' ? 'message' : 'reply'
      thread.push(
        outbound(channel, p, {
          externalId: nextId(channel, 'reply'),
          kind: replyKind,
          threadKey,
          parent: replyKind === 'reply' ? externalId : undefined,
          text: replyText(rng, category, p, firstName),
          at: replyAt,
        }),
      )
      if (kind === 'message' && rng.chance(0.3)) {
        const thanksAt = replyAt + Math.round(rng.logNormal(12 * MINUTE, 0.9))
        if (thanksAt <= nowMs)
          thread.push(
            inbound(channel, {
              externalId: nextId(channel, 'message'),
              kind: 'message',
              threadKey,
              author,
              text: thanksText(rng),
              at: thanksAt,
            }),
          )
      }
    }
    return thread
  }

  function replyTime(p: DemoPracticeProfile, cal: BusinessCalendar, at: number, r: Random): number {
    switch (p.behaviour.replyStyle) {
      case 'fast-in-hours': {
        const open = cal.nextOpening(at)?.getTime() ?? at
        const delay = clamp(r.logNormal(18 * MINUTE, 0.7), 2 * MINUTE, 3 * HOUR)
        const slip = r.chance(0.04) ? DAY : 0
        return cal.addBusinessMs(open, delay) + slip
      }
      case 'slow-after-hours': {
        if (r.chance(0.55)) {
          // Answered from home in the evening, after the practice has closed.
          const local = DateTime.fromMillis(at, { zone })
          const evening = (local.hour < 18 ? local : local.plus({ days: 1 })).set({
            hour: r.int(19, 22),
            minute: r.int(0, 59),
          })
          return evening.toMillis()
        }
        const open = cal.nextOpening(at)?.getTime() ?? at
        return cal.addBusinessMs(open, clamp(r.logNormal(5 * HOUR, 0.6), 30 * MINUTE, 30 * HOUR))
      }
      case 'dead':
        return at + Math.round(r.logNormal(3 * DAY, 0.5))
      case 'steady': {
        const open = cal.nextOpening(at)?.getTime() ?? at
        return cal.addBusinessMs(open, clamp(r.logNormal(2.5 * HOUR, 0.8), 10 * MINUTE, 20 * HOUR))
      }
    }
  }

  function reviewReplyTime(p: DemoPracticeProfile, cal: BusinessCalendar, at: number): number {
    const open = cal.nextOpening(at)?.getTime() ?? at
    switch (p.behaviour.replyStyle) {
      case 'fast-in-hours':
        return cal.addBusinessMs(open, clamp(rng.logNormal(4 * HOUR, 0.6), 20 * MINUTE, 12 * HOUR))
      case 'slow-after-hours':
        return at + Math.round(rng.logNormal(2 * DAY, 0.6))
      case 'dead':
        return at + Math.round(rng.logNormal(12 * DAY, 0.4))
      case 'steady':
        return cal.addBusinessMs(open, clamp(rng.logNormal(8 * HOUR, 0.6), HOUR, 40 * HOUR))
    }
  }
}

interface ItemSpec {
  externalId: string
  kind: MentionInput['kind']
  threadKey: string
  parent?: string | undefined
  text: string
  at: number
  rating?: number
  isAutoReply?: boolean
}

function inbound(
  channel: DemoChannelProfile,
  spec: ItemSpec & { author: { id: string; name: string; handle: string } },
): MentionInput {
  return {
    channelId: channel.id,
    platform: channel.platform,
    externalId: spec.externalId,
    kind: spec.kind,
    direction: 'inbound',
    threadKey: spec.threadKey,
    ...(spec.parent ? { parentExternalId: spec.parent } : {}),
    author: spec.author,
    text: spec.text,
    ...permalink(channel, spec),
    createdAt: new Date(spec.at),
    ...(spec.rating !== undefined ? { rating: spec.rating } : {}),
  }
}

function outbound(
  channel: DemoChannelProfile,
  practice: DemoPracticeProfile,
  spec: ItemSpec,
): MentionInput {
  return {
    channelId: channel.id,
    platform: channel.platform,
    externalId: spec.externalId,
    kind: spec.kind,
    direction: 'outbound',
    threadKey: spec.threadKey,
    ...(spec.parent ? { parentExternalId: spec.parent } : {}),
    author: { id: channel.externalAccountId, name: practice.name, handle: channel.handle },
    text: spec.text,
    ...permalink(channel, spec),
    createdAt: new Date(spec.at),
    ...(spec.isAutoReply ? { isAutoReply: true } : {}),
  }
}

/** Where the original lives on its platform (private messages and web chats have no public link). */
function permalink(channel: DemoChannelProfile, spec: ItemSpec): { permalink?: string } {
  const id = encodeURIComponent(spec.externalId)
  const byPlatform: Partial<Record<Platform, string>> = {
    facebook: `https://www.facebook.com/${channel.handle}/posts/${encodeURIComponent(spec.threadKey)}${spec.kind === 'post' ? '' : `?comment_id=${id}`}`,
    instagram: `https://www.instagram.com/p/${encodeURIComponent(spec.threadKey)}/`,
    google: `https://www.google.com/maps/place/${channel.handle}/reviews/${id}`,
    x: `https://x.com/${channel.handle}/status/${id}`,
  }
  if (spec.kind === 'message') return {}
  const url = byPlatform[channel.platform]
  return url ? { permalink: url } : {}
}

/** A star rating around the practice's mean: mostly 4–5 for good practices, a long tail of 1s. */
function drawRating(rng: Random, mean: number): 1 | 2 | 3 | 4 | 5 {
  const good = (mean - 1) / 4
  return rng.weighted([
    [5, good * good * 6],
    [4, good * 3],
    [3, 1],
    [2, (1 - good) * 3],
    [1, (1 - good) * 4 + 0.3],
  ] as const)
}

function clamp(value: number, min: number, max: number): number {
  return Math.round(Math.min(max, Math.max(min, value)))
}

function hashName(name: string): string {
  let h = 0x811c9dc5
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193)
  return (h >>> 0).toString(36)
}
