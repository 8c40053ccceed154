/**
 * @module Server-side request forgery guard for URLs that practices type in (chat and webhook
 * endpoints): before each request the host is resolved and every address checked against the
 * private, loopback, link-local (cloud metadata) and other non-public ranges, so an endpoint
 * cannot make Earshot call its own database, a cloud metadata service or the clinic's LAN.
 * Redirects are never followed by the senders, so a public URL cannot bounce inwards.
 * Self-hosters who really want an internal SMS gateway set `EARSHOT_ALLOW_PRIVATE_WEBHOOKS=1`.
 * Uses Node's own `net.BlockList`, so no address parsing is written here.
 */
import { lookup as dnsLookup } from 'node:dns/promises'
import { BlockList, isIP } from 'node:net'

/** Ranges no outbound alert may reach, with why (IANA special-purpose registries). */
const BLOCKED_RANGES: readonly { cidr: string; why: string }[] = [
  { cidr: '0.0.0.0/8', why: '"this network"' },
  { cidr: '10.0.0.0/8', why: 'a private network' },
  { cidr: '100.64.0.0/10', why: 'carrier-grade NAT' },
  { cidr: '127.0.0.0/8', why: 'loopback' },
  { cidr: '169.254.0.0/16', why: 'link-local (cloud metadata)' },
  { cidr: '172.16.0.0/12', why: 'a private network' },
  { cidr: '192.0.0.0/24', why: 'IETF protocol assignments' },
  { cidr: '192.168.0.0/16', why: 'a private network' },
  { cidr: '198.18.0.0/15', why: 'benchmarking' },
  { cidr: '224.0.0.0/4', why: 'multicast' },
  { cidr: '240.0.0.0/4', why: 'reserved' },
  { cidr: '::/128', why: 'unspecified' },
  { cidr: '::1/128', why: 'loopback' },
  { cidr: 'fc00::/7', why: 'a private network (unique local)' },
  { cidr: 'fe80::/10', why: 'link-local' },
  { cidr: 'ff00::/8', why: 'multicast' },
]

/** One list per range (built once), to name the range that refused an address. */
const RANGE_LISTS = BLOCKED_RANGES.map((r) => {
  const [net, bits] = r.cidr.split('/') as [string, string]
  const list = new BlockList()
  list.addSubnet(net, Number(bits), net.includes(':') ? 'ipv6' : 'ipv4')
  return { list, why: r.why }
})

/** Refused before any byte left: the reason is safe to show (it names no URL). */
export class BlockedDestinationError extends Error {
  override name = 'BlockedDestinationError'
  /** False when retrying may help (the name did not resolve this time). */
  readonly permanent: boolean
  constructor(message: string, permanent = true) {
    super(message)
    this.permanent = permanent
  }
}

function whyBlocked(address: string): string | null {
  // An IPv4 address written as IPv6 (::ffff:10.0.0.1) is checked as the IPv4 it is.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  const ip = mapped ? mapped[1]! : address
  const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4'
  return RANGE_LISTS.find((r) => r.list.check(ip, family))?.why ?? null
}

export type Lookup = (hostname: string) => Promise<readonly string[]>

const systemLookup: Lookup = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => a.address)

/** Throws {@link BlockedDestinationError} unless every address of the URL's host is public. */
export async function assertPublicDestination(
  url: string,
  lookup: Lookup = systemLookup,
): Promise<void> {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new BlockedDestinationError('refused: not a URL')
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw new BlockedDestinationError('refused: only http(s) endpoints are called')
  const host = parsed.hostname.replace(/^\[|\]$/g, '')
  const addresses = isIP(host) ? [host] : await lookup(host).catch(() => [] as string[])
  if (addresses.length === 0)
    throw new BlockedDestinationError('refused: the endpoint’s host name does not resolve', false)
  for (const address of addresses) {
    const why = whyBlocked(address)
    if (why)
      throw new BlockedDestinationError(
        `refused: the endpoint resolves to ${why}; set EARSHOT_ALLOW_PRIVATE_WEBHOOKS=1 to allow internal endpoints`,
      )
  }
}

/** Whether this process may call internal endpoints (`EARSHOT_ALLOW_PRIVATE_WEBHOOKS=1`). */
export function privateDestinationsAllowed(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.EARSHOT_ALLOW_PRIVATE_WEBHOOKS?.trim() === '1'
}

/** `fetch` that checks the destination first (see the module comment). */
export function publicOnlyFetch(
  base: typeof fetch = fetch,
  lookup: Lookup = systemLookup,
): typeof fetch {
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    await assertPublicDestination(url, lookup)
    return base(input, init)
  }
}
