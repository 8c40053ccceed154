/**
 * @module The built-in collectors, one per platform, and the lookup the loop uses.
 */
import { type Collector, EarshotError, type Platform } from '@earshot/core'
import { facebookCollector } from './facebook/facebook-collector.js'
import { googleCollector } from './google/google-collector.js'
import { importCollector } from './import/import-collector.js'
import { instagramCollector } from './instagram/instagram-collector.js'
import { rssCollector } from './rss/rss-collector.js'
import { webchatCollector } from './webchat/webchat-collector.js'
import { xCollector } from './x/x-collector.js'
import { youtubeCollector } from './youtube/youtube-collector.js'

/** Every platform's collector with default options. */
export const builtInCollectors: Readonly<Record<Platform, Collector<unknown>>> = Object.freeze({
  facebook: facebookCollector() as Collector<unknown>,
  instagram: instagramCollector() as Collector<unknown>,
  x: xCollector() as Collector<unknown>,
  google: googleCollector() as Collector<unknown>,
  youtube: youtubeCollector() as Collector<unknown>,
  rss: rssCollector() as Collector<unknown>,
  webchat: webchatCollector() as Collector<unknown>,
  import: importCollector() as Collector<unknown>,
})

/** A collector lookup: the loop and the webhook handler accept one so tests and plugins can swap collectors. */
export type CollectorLookup = (platform: string) => Collector<unknown> | undefined

/**
 * The built-in collector of a platform. Throws INVALID_INPUT for an unknown platform.
 *
 * @example
 * const result = await collectChannel(db, channel, collectorFor(channel.platform))
 */
export function collectorFor(platform: string): Collector<unknown> {
  const collector = (builtInCollectors as Record<string, Collector<unknown> | undefined>)[platform]
  if (!collector)
    throw new EarshotError(
      'INVALID_INPUT',
      `[collectors] no collector for platform ${JSON.stringify(platform)}`,
    )
  return collector
}
