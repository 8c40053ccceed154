import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { recordUserAction } from '../../audit/user-actions.js'
import {
  createTestWorld,
  NOW,
  signIn,
  type TestClient,
  type TestWorld,
} from '../../test-support/test-world.js'

let w: TestWorld
let admin: TestClient

beforeAll(async () => {
  w = await createTestWorld()
  admin = await signIn(w.app, 'admin@a.example')
  for (let i = 0; i < 60; i++)
    await recordUserAction(
      w.db,
      {
        organisationId: w.a.orgId,
        userId: w.a.manager,
        action: 'settings.changed',
        targetType: 'practice',
        targetId: `p${i}`,
        detail: { i },
      },
      new Date(NOW.getTime() - i * 60_000),
    )
  await recordUserAction(
    w.db,
    {
      organisationId: w.b.orgId,
      userId: w.b.admin,
      action: 'settings.changed',
      targetType: 'practice',
      targetId: 'RIVAL-SECRET',
      detail: {},
    },
    NOW,
  )
})
afterAll(async () => {
  await w?.close()
})

describe('action log page', () => {
  it('pages newest first with a keyset link, filters by action, and shows no other tenant', async () => {
    const first = await (await admin.get('/setup/actions?action=settings.changed')).text()
    expect(first).toContain('Max Manager')
    expect(first).toContain('practice p0')
    expect(first).not.toContain('practice p50 ')
    expect(first).not.toContain('RIVAL-SECRET')
    const older = /href="(\/setup\/actions\?[^"]+before=[^"]+)"/
      .exec(first)![1]!
      .replaceAll('&amp;', '&')
    const second = await (await admin.get(older)).text()
    expect(second).toContain('practice p59')
    expect(second).not.toContain('practice p0<')
    expect((await admin.get('/setup/actions?action=nope')).status).toBe(400)
  })

  it('streams every matching entry as CSV and logs the export', async () => {
    const res = await admin.get('/setup/actions.csv?action=settings.changed')
    expect(res.headers.get('content-type')).toContain('text/csv')
    const lines = (await res.text()).trim().split('\n')
    expect(lines).toHaveLength(61)
    expect(lines.join('\n')).not.toContain('RIVAL-SECRET')
    const logged = await w.db
      .selectFrom('user_actions')
      .select('id')
      .where('organisation_id', '=', w.a.orgId)
      .where('action', '=', 'export.downloaded')
      .execute()
    expect(logged).toHaveLength(1)
  })

  it('is for agency admins only', async () => {
    const manager = await signIn(w.app, 'manager@a.example')
    expect((await manager.get('/setup/actions')).status).toBe(403)
    expect((await manager.get('/setup/actions.csv')).status).toBe(403)
  })
})
