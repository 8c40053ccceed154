import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  createChannel,
  createOrganisation,
  createPractice,
  ingest,
  openDatabase,
} from '@earshot/core'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli } from '../src/cli/run-cli.js'
import { testIo } from './cli-test-io.js'

const cwd = mkdtempSync(join(tmpdir(), 'earshot-erase-'))
afterAll(() => rmSync(cwd, { recursive: true, force: true }))

describe('earshot erase', () => {
  it('shows counts on --dry-run, then erases, records it, and never prints the author back', async () => {
    const data = join(cwd, 'data')
    expect(await runCli(['migrate', '--data', data], testIo({ cwd }))).toBe(0)
    const seeded = await openDatabase({ url: data })
    const org = await createOrganisation(seeded.db, { name: 'Erasure Org' })
    const practice = await createPractice(seeded.db, {
      organisationId: org.id,
      name: 'Harbour Dental',
      schedule: { timeZone: 'Europe/London', weekly: { mon: [{ start: '09:00', end: '17:00' }] } },
      promise: { targets: [{ duration: '2 business hours' }] },
    })
    const channel = await createChannel(seeded.db, {
      organisationId: org.id,
      practiceId: practice.id,
      platform: 'instagram',
      externalAccountId: 'ig-1',
      name: 'Instagram',
    })
    await ingest(seeded.db, [
      {
        channelId: channel.id,
        externalId: 'm1',
        kind: 'comment',
        author: { id: '1789', handle: 'jo.bloggs' },
        text: 'my crown fell out',
        createdAt: '2026-11-20T10:00:00Z',
      },
      {
        channelId: channel.id,
        externalId: 'm2',
        kind: 'comment',
        author: { id: '2000', handle: 'someone' },
        text: 'nice team',
        createdAt: '2026-11-20T11:00:00Z',
      },
    ])
    await seeded.close()

    const args = [
      'erase',
      '--organisation',
      'Erasure Org',
      '--platform',
      'instagram',
      '--author',
      '@Jo.Bloggs',
      '--data',
      data,
    ]
    const dry = testIo({ cwd })
    expect(await runCli([...args, '--dry-run'], dry)).toBe(0)
    expect(dry.out()).toMatch(/Dry run: nothing was changed/)
    expect(dry.out()).toMatch(/ 1 {2}their mentions deleted/)

    const real = testIo({ cwd })
    expect(await runCli(args, real)).toBe(0)
    expect(real.out()).toMatch(/Erased\. Record [0-9a-f-]{36}/)
    expect(real.out()).toMatch(/ 1 {2}their mentions deleted/)
    expect(real.out() + real.err()).not.toMatch(/jo\.bloggs|crown/i)

    const after = await openDatabase({ url: data })
    try {
      const left = await after.db.selectFrom('mentions').select('external_id').execute()
      expect(left.map((m) => m.external_id)).toEqual(['m2'])
      expect(
        await after.db
          .selectFrom('erasure_records')
          .select(['requested_via', 'platform'])
          .execute(),
      ).toEqual([{ requested_via: 'cli', platform: 'instagram' }])
      const log = await after.db.selectFrom('user_actions').select(['action', 'detail']).execute()
      expect(log).toMatchObject([
        { action: 'data.erased', detail: { via: 'cli', mentionsDeleted: 1 } },
      ])
    } finally {
      await after.close()
    }
  })

  it('refuses a missing author or an unknown platform with a usage error', async () => {
    const io = testIo({ cwd })
    expect(
      await runCli(['erase', '--organisation', 'x', '--platform', 'myspace', '--author', 'a'], io),
    ).toBe(2)
    expect(io.err()).toMatch(/unknown platform "myspace"/)
    const io2 = testIo({ cwd })
    expect(await runCli(['erase', '--organisation', 'x', '--platform', 'x'], io2)).toBe(2)
    expect(io2.err()).toMatch(/--author are all required/)
  })
})
