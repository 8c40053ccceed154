import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  assertPublicDestination,
  BlockedDestinationError,
  type Lookup,
  privateDestinationsAllowed,
  publicOnlyFetch,
} from './outbound-url-guard.js'

const resolvesTo =
  (...addresses: string[]): Lookup =>
  async () =>
    addresses

let hits = 0
const server = createServer((_req, res) => {
  hits++
  res.end('ok')
})
let port = 0

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as AddressInfo).port
})
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
})

describe('the outbound URL guard', () => {
  it.each([
    ['http://127.0.0.1/hook', 'loopback'],
    ['http://[::1]/hook', 'loopback'],
    ['http://169.254.169.254/latest/meta-data/', 'link-local (cloud metadata)'],
    ['http://10.1.2.3/', 'a private network'],
    ['http://192.168.1.10/', 'a private network'],
    ['http://172.20.0.1/', 'a private network'],
    ['http://[::ffff:10.0.0.1]/', 'a private network'],
    ['http://[fd12::1]/', 'a private network (unique local)'],
    ['http://100.100.1.1/', 'carrier-grade NAT'],
  ])('refuses %s (%s)', async (url, why) => {
    await expect(assertPublicDestination(url, resolvesTo())).rejects.toThrow(why)
  })

  it('refuses a public-looking name that resolves inwards, by any of its addresses', async () => {
    await expect(
      assertPublicDestination('https://hooks.example/x', resolvesTo('93.184.215.14', '10.0.0.5')),
    ).rejects.toThrow('a private network')
  })

  it('lets a public address through', async () => {
    await expect(
      assertPublicDestination(
        'https://hooks.slack.com/services/x',
        resolvesTo('3.120.1.1', '2600:1f18::1'),
      ),
    ).resolves.toBeUndefined()
  })

  it('refuses other schemes, and says a name that does not resolve may be retried', async () => {
    await expect(assertPublicDestination('file:///etc/passwd', resolvesTo())).rejects.toThrow(
      'only http(s)',
    )
    const error = await assertPublicDestination('https://nowhere.example/', resolvesTo()).catch(
      (e) => e,
    )
    expect(error).toBeInstanceOf(BlockedDestinationError)
    expect((error as BlockedDestinationError).permanent).toBe(false)
  })

  it('sends nothing to a loopback server through the guarded fetch, and reaches it when allowed', async () => {
    const guarded = publicOnlyFetch(fetch)
    await expect(guarded(`http://127.0.0.1:${port}/hook`, { method: 'POST' })).rejects.toThrow(
      'loopback',
    )
    expect(hits).toBe(0)
    const res = await fetch(`http://127.0.0.1:${port}/hook`, { method: 'POST' })
    expect(await res.text()).toBe('ok')
    expect(hits).toBe(1)
  })

  it('is turned off only by EARSHOT_ALLOW_PRIVATE_WEBHOOKS=1', () => {
    expect(privateDestinationsAllowed({})).toBe(false)
    expect(privateDestinationsAllowed({ EARSHOT_ALLOW_PRIVATE_WEBHOOKS: 'yes' })).toBe(false)
    expect(privateDestinationsAllowed({ EARSHOT_ALLOW_PRIVATE_WEBHOOKS: '1' })).toBe(true)
  })
})
