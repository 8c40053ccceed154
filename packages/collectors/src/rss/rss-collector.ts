/**
 * @module RSS 2.0 and Atom feeds: blog comment feeds (WordPress `/comments/feed/`) and alert
 * feeds (Google Alerts). Conditional GETs (`ETag`, `Last-Modified`) keep polling cheap.
 *
 * Feeds name authors only by display name, so the practice's own replies are recognised by name
 * (the config's `staffNames` or the channel's own identities). WordPress comment feeds carry no
 * parent id: a comment's thread is the post it was left on (from its `guid`, `…?p=123#comment-45`),
 * unless the feed says `thr:in-reply-to`.
 */
import type {
  Collector,
  CollectorChannel,
  MentionInput,
  MentionKind,
  PollBatch,
  PollContext,
} from '@earshot/core'
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { z } from 'zod'
import { type CollectorOptions, httpOptionsOf } from '../collector-options.js'
import { CollectorHttpError } from '../errors.js'
import { createHttpClient } from '../http/http-client.js'
import { decodeEntities, htmlToText } from '../util/html-to-text.js'
import { parseTime } from '../util/parse-time.js'

/** Channel config of a feed. */
export const rssConfigSchema = z.object({
  url: z.url({ protocol: /^https?$/ }),
  /** `comment` for blog comment feeds, `mention` for alert feeds; default: mention for Google Alerts, else comment. */
  kind: z.enum(['comment', 'mention']).optional(),
  /** Display names of the practice's staff: their comments are outbound. */
  staffNames: z.array(z.string().min(1)).default([]),
  userAgent: z.string().default('Earshot feed collector (+https://github.com/earshot)'),
})
export type RssConfig = z.output<typeof rssConfigSchema>

/** The checkpoint: validators for the next conditional GET. */
export interface RssCursor {
  etag?: string
  lastModified?: string
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  isArray: (name) => ['item', 'entry', 'link', 'category'].includes(name),
  processEntities: true,
  htmlEntities: true,
  trimValues: true,
  parseTagValue: false,
})

/** Creates the RSS/Atom collector. */
export function rssCollector(options: CollectorOptions = {}): Collector<RssConfig> {
  return {
    platform: 'rss',
    name: 'RSS / Atom feed',
    configSchema: rssConfigSchema as z.ZodType<RssConfig>,
    poll: (context) => pollFeed(context, options),
  }
}

async function* pollFeed(
  context: PollContext<RssConfig>,
  options: CollectorOptions,
): AsyncGenerator<PollBatch> {
  const { config, channel } = context
  const cursor = (context.cursor ?? {}) as RssCursor
  const http = createHttpClient({
    ...httpOptionsOf(options),
    platform: 'rss',
    fetch: context.fetch,
    signal: context.signal,
  })
  const headers: Record<string, string> = {
    accept: 'application/atom+xml, application/rss+xml, application/xml;q=0.9, text/xml;q=0.8',
    'user-agent': config.userAgent,
  }
  if (cursor.etag) headers['if-none-match'] = cursor.etag
  if (cursor.lastModified) headers['if-modified-since'] = cursor.lastModified
  const response = await http.request(config.url, {
    headers,
    json: false,
    acceptStatuses: [304],
    signal: context.signal,
  })
  if (response.status === 304) return
  const { items, rejected } = parseFeed(response.text, channel, config)
  const next: RssCursor = {}
  const etag = response.headers.get('etag')
  const lastModified = response.headers.get('last-modified')
  if (etag) next.etag = etag
  if (lastModified) next.lastModified = lastModified
  yield { items, rejected, cursor: next }
}

type Node = Record<string, unknown>

function text(value: unknown): string | undefined {
  if (value == null) return undefined
  if (typeof value === 'string') return value
  if (typeof value === 'number') return String(value)
  if (Array.isArray(value)) return text(value[0])
  if (typeof value === 'object') return text((value as Node)['#text'])
  return undefined
}

function linkOf(entry: Node): string | undefined {
  const links = (entry.link ?? []) as unknown[]
  for (const link of links) {
    if (typeof link === 'string' && link.trim()) return link.trim()
    if (link && typeof link === 'object') {
      const l = link as Node
      const rel = l['@_rel']
      if ((rel === undefined || rel === 'alternate') && typeof l['@_href'] === 'string')
        return l['@_href'] as string
    }
  }
  return undefined
}

/** Google Alerts links go through a redirect: the real address is its `url` parameter. */
export function unwrapRedirect(link: string | undefined): string | undefined {
  if (!link) return undefined
  try {
    const url = new URL(link)
    if (/(^|\.)google\.[a-z.]+$/.test(url.hostname) && url.pathname === '/url') {
      const target = url.searchParams.get('url') ?? url.searchParams.get('q')
      if (target && /^https?:\/\//.test(target)) return target
    }
    return /^https?:$/.test(url.protocol) ? link : undefined
  } catch {
    return undefined
  }
}

/** Parses an RSS 2.0, RSS 1.0 (RDF) or Atom document into mentions. Throws on malformed XML. */
export function parseFeed(
  xml: string,
  channel: CollectorChannel,
  config: Pick<RssConfig, 'kind' | 'staffNames'>,
): { items: MentionInput[]; rejected: { reason: string; payload: unknown }[] } {
  const valid = XMLValidator.validate(xml)
  if (valid !== true) {
    throw new CollectorHttpError(
      `the feed is not well-formed XML (line ${valid.err.line}: ${valid.err.msg})`,
      { kind: 'malformed', status: 200, platform: 'rss', body: xml.slice(0, 4000) },
    )
  }
  const doc = parser.parse(xml) as Node
  const rss = doc.rss as Node | undefined
  const rdf = doc['rdf:RDF'] as Node | undefined
  const feed = doc.feed as Node | undefined
  let entries: Node[]
  let atom = false
  if (rss) entries = ((rss.channel as Node | undefined)?.item ?? []) as Node[]
  else if (rdf) entries = (rdf.item ?? []) as Node[]
  else if (feed) {
    entries = (feed.entry ?? []) as Node[]
    atom = true
  } else {
    throw new CollectorHttpError('the document is neither RSS nor Atom', {
      kind: 'malformed',
      status: 200,
      platform: 'rss',
      body: xml.slice(0, 4000),
    })
  }
  const feedId = text(feed?.id) ?? ''
  const isAlerts =
    /googlealerts/.test(feedId) || entries.some((e) => /googlealerts/.test(text(e.id) ?? ''))
  const kind: MentionKind = config.kind ?? (isAlerts ? 'mention' : 'comment')
  const own = new Set(
    [...config.staffNames, ...channel.ownIdentities].map((n) => n.trim().toLowerCase()),
  )
  const items: MentionInput[] = []
  const rejected: { reason: string; payload: unknown }[] = []
  for (const entry of entries) {
    try {
      items.push(mapEntry(entry, atom, kind, channel, own, isAlerts))
    } catch (error) {
      rejected.push({ reason: `feed entry: ${(error as Error).message}`, payload: entry })
    }
  }
  return { items, rejected }
}

function mapEntry(
  entry: Node,
  atom: boolean,
  kind: MentionKind,
  channel: CollectorChannel,
  own: Set<string>,
  isAlerts: boolean,
): MentionInput {
  const link = atom ? linkOf(entry) : text(entry.link)?.trim()
  const guid = atom ? text(entry.id) : text(entry.guid)
  const externalId = (guid ?? link)?.trim()
  if (!externalId) throw new Error('entry without guid, id or link')
  const createdAt = parseTime(
    text(entry.published) ?? text(entry.pubDate) ?? text(entry['dc:date']) ?? text(entry.updated),
  )
  if (!createdAt) throw new Error('entry without a publication date')
  const updated = parseTime(text(entry.updated))
  const authorName = (
    atom
      ? text((entry.author as Node | undefined)?.name)
      : (text(entry['dc:creator']) ?? text(entry.author))
  )?.trim()
  const html =
    text(entry['content:encoded']) ??
    text(entry.content) ??
    text(entry.description) ??
    text(entry.summary) ??
    ''
  let body = htmlToText(html)
  const title = htmlToText(decodeEntities(text(entry.title) ?? ''))
  if (isAlerts && title) body = body ? `${title}\n${body}` : title
  const inReplyTo = entry['thr:in-reply-to'] as Node | undefined
  const parentRef =
    typeof inReplyTo?.['@_ref'] === 'string' ? (inReplyTo['@_ref'] as string) : undefined
  // WordPress comment guids are `{post guid}#comment-{id}`: the post is the thread.
  const post = /^(.*)#comment-\d+$/.exec(externalId)?.[1]
  const isOwn = authorName !== undefined && authorName !== '' && own.has(authorName.toLowerCase())
  return {
    channelId: channel.id,
    platform: 'rss',
    externalId,
    kind,
    direction: isOwn ? 'outbound' : 'inbound',
    ...(parentRef ? { parentExternalId: parentRef } : { threadKey: post ?? externalId }),
    author: authorName ? { name: authorName } : {},
    text: body,
    permalink: unwrapRedirect(link),
    createdAt,
    ...(updated && updated.getTime() > createdAt.getTime() + 1000 ? { editedAt: updated } : {}),
    raw: entry,
  }
}
