import {
  createOrganisation,
  createPractice,
  type EarshotDatabase,
  listPractices,
} from '@earshot/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedDemoSavedReplies } from '../demo/demo-saved-replies.js'
import { alertTestDatabases, SYDNEY_SCHEDULE } from '../test-support/alert-fixtures.js'
import { savedReplyChoices } from './saved-reply-match.js'
import {
  createSavedReply,
  deleteSavedReply,
  getSavedReply,
  listSavedReplies,
} from './saved-reply-store.js'

const NOW = new Date('2026-11-20T03:00:00Z')
const promise = { targets: [{ duration: '2 business hours' }] }

describe.each(alertTestDatabases())('saved replies in the database ($name)', ({ open }) => {
  let database: EarshotDatabase
  beforeAll(async () => {
    database = await open()
  })
  afterAll(async () => {
    await database?.close()
  })

  async function world() {
    const { db } = database
    const org = await createOrganisation(db, { name: 'Store test' })
    const other = await createOrganisation(db, { name: 'Other tenant' })
    const practice = (name: string, organisationId = org.id) =>
      createPractice(db, { organisationId, name, schedule: SYDNEY_SCHEDULE, promise })
    return {
      org: org.id,
      other: other.id,
      p1: (await practice('Harbour GP')).id,
      p2: (await practice('Camden Smiles Dental')).id,
      foreign: (await practice('Rival Dental', other.id)).id,
    }
  }

  it('scopes every read to the organisation and the practices the caller sees', async () => {
    const { db } = database
    const t = await world()
    const input = { title: 'T', body: 'Hello', categories: [], ratings: [4, 5] }
    const shared = await createSavedReply(db, t.org, { ...input, practiceId: null }, null, NOW)
    const own = await createSavedReply(db, t.org, { ...input, practiceId: t.p1 }, 'u1', NOW)
    const other = await createSavedReply(db, t.org, { ...input, practiceId: t.p2 }, null, NOW)
    const foreign = await createSavedReply(
      db,
      t.other,
      { ...input, practiceId: t.foreign },
      null,
      NOW,
    )
    const ids = (list: { id: string }[]) => list.map((r) => r.id).sort()
    expect(ids(await listSavedReplies(db, t.org, [t.p1]))).toEqual([shared, own].sort())
    expect(ids(await listSavedReplies(db, t.org, []))).toEqual([shared])
    // Another tenant's practice id lists nothing of theirs.
    expect(ids(await listSavedReplies(db, t.org, [t.foreign]))).toEqual([shared])
    expect(await getSavedReply(db, t.org, [t.p1], other)).toBeUndefined()
    expect(await getSavedReply(db, t.org, [t.foreign], foreign)).toBeUndefined()
    expect(await getSavedReply(db, t.org, [t.p1], own)).toMatchObject({
      practiceId: t.p1,
      ratings: [4, 5],
      categories: [],
      createdBy: 'u1',
    })
    // Deleting with the wrong organisation deletes nothing.
    await deleteSavedReply(db, t.org, foreign)
    expect(await getSavedReply(db, t.other, [t.foreign], foreign)).toBeDefined()
  })

  it('goes with its practice when the practice is deleted', async () => {
    const { db } = database
    const t = await world()
    const base = { title: 'T', body: 'Hello', categories: [], ratings: [] }
    const own = await createSavedReply(db, t.org, { ...base, practiceId: t.p2 }, null, NOW)
    const shared = await createSavedReply(db, t.org, { ...base, practiceId: null }, null, NOW)
    await db
      .deleteFrom('practices')
      .where('organisation_id', '=', t.org)
      .where('id', '=', t.p2)
      .execute()
    expect(await getSavedReply(db, t.org, [t.p2], own)).toBeUndefined()
    expect(await getSavedReply(db, t.org, [], shared)).toBeDefined()
  })

  it("seeds the demo's replies, filled in with each practice's phone and booking link", async () => {
    const { db } = database
    const t = await world()
    const practices = (await listPractices(db, t.org)).sort((a, b) => a.name.localeCompare(b.name))
    // Camden (the last by name) gets its own booking reply.
    await seedDemoSavedReplies(db, t.org, practices.reverse(), NOW)
    const after = await listPractices(db, t.org)
    const camden = after.find((p) => p.id === t.p2)!
    const harbour = after.find((p) => p.id === t.p1)!
    expect(harbour.booking_url).toBe(`https://${harbour.slug}.example/book`)
    const replies = await listSavedReplies(db, t.org, [t.p1, t.p2])
    const booking = { category: 'booking', rating: null, authorName: 'Sam' }
    const atCamden = savedReplyChoices(replies, { ...booking, practiceId: t.p2 }, camden)
    expect(atCamden.map((c) => c.practiceId)).toEqual([t.p2])
    expect(atCamden[0]!.text).toContain(camden.booking_url!)
    const atHarbour = savedReplyChoices(replies, { ...booking, practiceId: t.p1 }, harbour)
    expect(atHarbour[0]!.text).toBe(
      `Hi Sam, you can book online at ${harbour.booking_url} or call Harbour GP on ${harbour.phone}.`,
    )
    const fiveStars = savedReplyChoices(
      replies,
      { category: 'review', rating: 5, authorName: null, practiceId: t.p1 },
      harbour,
    )
    expect(fiveStars.map((c) => c.title)).toEqual(['Thanks for a great review'])
    expect(fiveStars[0]!.missing).toEqual(['author_name'])
  })
})
