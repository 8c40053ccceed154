import { createOrganisation, type Database, openDatabase } from '@earshot/core'
import type { Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listUserActions, recordUserAction } from './user-actions.js'

describe('user-action log', () => {
  let db: Kysely<Database>
  let close: () => Promise<void>
  let orgA: string
  let orgB: string
  beforeAll(async () => {
    ;({ db, close } = await openDatabase())
    orgA = (await createOrganisation(db, { name: 'A' })).id
    orgB = (await createOrganisation(db, { name: 'B' })).id
  })
  afterAll(async () => {
    await close()
  })

  it('pages newest first by keyset and never shows another organisation', async () => {
    const base = Date.parse('2026-11-20T00:00:00Z')
    for (let i = 0; i < 5; i++) {
      await recordUserAction(
        db,
        {
          organisationId: orgA,
          userId: 'u1',
          action: 'reply.sent',
          targetType: 'mention',
          targetId: `m${i}`,
        },
        new Date(base + i * 1000),
      )
    }
    await recordUserAction(
      db,
      { organisationId: orgB, userId: 'u9', action: 'user.invited', targetType: 'user' },
      new Date(base),
    )
    const first = await listUserActions(db, { organisationId: orgA, limit: 3 })
    expect(first.map((r) => r.target_id)).toEqual(['m4', 'm3', 'm2'])
    const last = first[first.length - 1]
    if (!last) throw new Error('no rows')
    const second = await listUserActions(db, {
      organisationId: orgA,
      limit: 3,
      before: { createdAt: last.created_at, id: last.id },
    })
    expect(second.map((r) => r.target_id)).toEqual(['m1', 'm0'])
    expect((await listUserActions(db, { organisationId: orgB })).map((r) => r.action)).toEqual([
      'user.invited',
    ])
  })

  it('refuses an action it does not know', async () => {
    await expect(
      recordUserAction(
        db,
        // @ts-expect-error: not a known action
        { organisationId: orgA, userId: null, action: 'made.up', targetType: 'x' },
        new Date(),
      ),
    ).rejects.toThrow()
  })
})
