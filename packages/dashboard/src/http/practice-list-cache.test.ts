/**
 * `earshot serve` keeps each organisation's practice list between requests and reloads it when
 * the organisation's `practices_version` (bumped by every statement that writes practices,
 * migration 2026-12-05-0410) changes. A practice created, renamed or deleted outside the app —
 * plain SQL, as another process, the CLI or an operator writes — is seen by the very next
 * request, and access follows it (a deleted practice answers 404). Tenants never share a list.
 */
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createTestWorld,
  signIn,
  type TestClient,
  type TestWorld,
} from '../test-support/test-world.js'

let w: TestWorld
let admin: TestClient
let adminB: TestClient

beforeAll(async () => {
  w = await createTestWorld()
  admin = await signIn(w.app, 'admin@a.example')
  adminB = await signIn(w.app, 'admin@b.example')
})
afterAll(async () => {
  await w?.close()
})

const page = async (client: TestClient, path: string) => {
  const res = await client.get(path)
  return { status: res.status, html: await res.text() }
}

describe('the per-process practice list', () => {
  it('follows practices created, renamed and deleted with plain SQL, request by request', async () => {
    const before = await page(admin, '/')
    expect(before.status).toBe(200)
    expect(before.html).toContain('Harbour GP')

    await sql`update practices set name = 'Harbour Family GP' where id = ${w.a.practice1}`.execute(
      w.db,
    )
    const renamed = await page(admin, '/')
    expect(renamed.html).toContain('Harbour Family GP')

    await sql`insert into practices (organisation_id, id, name, slug, time_zone, holiday_region)
      values (${w.a.orgId}, 'p-cache-new', 'Newtown Dental', 'newtown-cache', 'UTC', null)`.execute(
      w.db,
    )
    expect((await page(admin, '/')).html).toContain('Newtown Dental')
    expect((await page(admin, '/practices/p-cache-new')).status).toBe(200)
    // The other tenant never sees it, before or after A's list is kept.
    expect((await page(adminB, '/practices/p-cache-new')).status).toBe(404)
    expect((await page(adminB, '/')).html).not.toContain('Newtown Dental')

    await sql`delete from practices where id = 'p-cache-new'`.execute(w.db)
    expect((await page(admin, '/practices/p-cache-new')).status).toBe(404)
    expect((await page(admin, '/')).html).not.toContain('Newtown Dental')

    await sql`update practices set name = 'Harbour GP' where id = ${w.a.practice1}`.execute(w.db)
    expect((await page(admin, '/')).html).toContain('Harbour GP')
  })

  it('bumps the version once per writing statement, in its transaction', async () => {
    const version = async () =>
      Number(
        (
          await sql<{
            v: string
          }>`select practices_version as v from organisations where id = ${w.b.orgId}`.execute(w.db)
        ).rows[0]!.v,
      )
    const v0 = await version()
    await sql`update practices set holiday_region = holiday_region where organisation_id = ${w.b.orgId}`.execute(
      w.db,
    )
    expect(await version()).toBe(v0 + 1)
    await w.db
      .transaction()
      .execute(async (tx) => {
        await sql`update practices set name = name where organisation_id = ${w.b.orgId}`.execute(tx)
        throw new Error('rolled back')
      })
      .catch(() => undefined)
    expect(await version()).toBe(v0 + 1)
  })
})
