import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createTestWorld,
  signIn,
  type TestClient,
  type TestWorld,
} from '../test-support/test-world.js'

let w: TestWorld
let admin: TestClient

beforeAll(async () => {
  w = await createTestWorld()
  admin = await signIn(w.app, 'admin@a.example')
})
afterAll(async () => {
  await w?.close()
})

/** Posts a form with repeated fields (several ticked items). */
function postForm(client: TestClient, path: string, fields: [string, string][]) {
  return client.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams([['_csrf', client.csrf], ...fields]).toString(),
  })
}

const assigneeOf = async (mentionId: string) =>
  (
    await w.db
      .selectFrom('inbox_assignments')
      .select('user_id')
      .where('organisation_id', '=', w.a.orgId)
      .where('mention_id', '=', mentionId)
      .executeTakeFirst()
  )?.user_id ?? null

const inboxIds = async (client: TestClient, query = '') => {
  const html = await (await client.get(`/inbox${query}`)).text()
  return [...html.matchAll(/<li class="inbox-item[^"]*" data-mention-id="([^"]+)"/g)].map(
    (m) => m[1],
  )
}

const actionsOf = async (action: string, mentionId: string) =>
  w.db
    .selectFrom('user_actions')
    .select(['user_id', 'detail'])
    .where('organisation_id', '=', w.a.orgId)
    .where('action', '=', action)
    .where('target_id', '=', mentionId)
    .execute()

describe('inbox actions', () => {
  it('shows each open item with a tick box, "assign to me", notes and the reply composer with its thread', async () => {
    const html = await (await admin.get('/inbox')).text()
    expect(html).toContain('id="inbox-bulk"')
    expect(html).toContain(`name="mention_id" value="${w.mentions.open}" form="inbox-bulk"`)
    expect(html).toContain('Assign to me')
    expect(html).toContain('Internal notes')
    expect(html).toContain('data-reply-composer')
    expect(html).toContain(`action="/mentions/${w.mentions.open}/reply"`)
    expect(html).toMatch(/Earlier in this conversation|No earlier messages in this conversation/)
  })

  it('assigns to me, filters "mine" and "unassigned", unassigns, and logs who did it', async () => {
    const id = w.mentions.open
    const res = await admin.post('/inbox/bulk', {
      mention_id: id,
      action: 'assign',
      assignee: 'me',
      return: '/inbox',
    })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/inbox?notice=bulk-assign')
    expect(await assigneeOf(id)).toBe(w.a.admin)
    const page = await (await admin.get('/inbox?notice=bulk-assign')).text()
    expect(page).toContain('Assigned.')
    expect(page).toContain('assigned to Ada Admin')
    expect(page).toContain('Unassign me')
    expect(await inboxIds(admin, '?assignee=mine')).toEqual([id])
    expect(await inboxIds(admin, '?assignee=unassigned')).not.toContain(id)
    expect((await actionsOf('mention.assigned', id)).map((a) => a.user_id)).toEqual([w.a.admin])

    await admin.post('/inbox/bulk', { mention_id: id, action: 'unassign' })
    expect(await assigneeOf(id)).toBeNull()
    expect(await inboxIds(admin, '?assignee=mine')).toEqual([])
  })

  it('assigns a selection to a colleague who sees those practices, and refuses one who does not', async () => {
    const [a, b] = [w.mentions.open, w.mentions.privacy]
    const res = await postForm(admin, '/inbox/bulk', [
      ['mention_id', a],
      ['mention_id', b],
      ['action', 'assign'],
      ['assignee', w.a.manager],
    ])
    expect(res.status).toBe(303)
    expect([await assigneeOf(a), await assigneeOf(b)]).toEqual([w.a.manager, w.a.manager])
    // The manager sees practice 1 only; practice 2's item cannot go to them.
    const refused = await postForm(admin, '/inbox/bulk', [
      ['mention_id', w.mentions.practice2Open],
      ['action', 'assign'],
      ['assignee', w.a.manager],
    ])
    expect(refused.status).toBe(400)
    expect(await refused.text()).toContain('cannot see every selected practice')
    const toViewer = await admin.post('/inbox/bulk', {
      mention_id: a,
      action: 'assign',
      assignee: w.a.viewer,
    })
    expect(toViewer.status).toBe(400)
    expect(await assigneeOf(w.mentions.practice2Open)).toBeNull()
  })

  it('undoes the last bulk assignment, restoring who had each item, once', async () => {
    const [a, b] = [w.mentions.open, w.mentions.privacy]
    await admin.post('/inbox/bulk', { mention_id: b, action: 'unassign' })
    await admin.post('/inbox/bulk', { mention_id: a, action: 'assign', assignee: w.a.manager })
    await postForm(admin, '/inbox/bulk', [
      ['mention_id', a],
      ['mention_id', b],
      ['action', 'assign'],
      ['assignee', 'me'],
    ])
    const html = await (await admin.get('/inbox')).text()
    const bulkId = /name="bulk_id" value="([^"]+)"/.exec(html)?.[1]
    expect(bulkId).toBeDefined()
    expect(html).toContain('Your last assignment of 2 items can be undone')
    const undo = await admin.post('/inbox/undo', { bulk_id: bulkId!, return: '/inbox' })
    expect(undo.status).toBe(303)
    expect(undo.headers.get('location')).toBe('/inbox?notice=undone')
    expect([await assigneeOf(a), await assigneeOf(b)]).toEqual([w.a.manager, null])
    const again = await admin.post('/inbox/undo', { bulk_id: bulkId! })
    expect(again.status).toBe(409)
    await admin.post('/inbox/bulk', { mention_id: a, action: 'unassign' })
  })

  it('marks a selection "no reply needed" (they leave the inbox) and undo brings them back', async () => {
    const [a, b] = [w.mentions.open, w.mentions.privacy]
    expect(await inboxIds(admin)).toEqual(expect.arrayContaining([a, b]))
    const res = await postForm(admin, '/inbox/bulk', [
      ['mention_id', a],
      ['mention_id', b],
      ['action', 'no_reply_needed'],
      ['return', '/inbox'],
    ])
    expect(res.status).toBe(303)
    const after = await inboxIds(admin)
    expect(after).not.toContain(a)
    expect(after).not.toContain(b)
    expect(await actionsOf('override.recorded', a)).toHaveLength(1)
    const html = await (await admin.get('/inbox')).text()
    const bulkId = /name="bulk_id" value="([^"]+)"/.exec(html)![1]!
    expect((await admin.post('/inbox/undo', { bulk_id: bulkId })).status).toBe(303)
    expect(await inboxIds(admin)).toEqual(expect.arrayContaining([a, b]))
    const overrides = await w.db
      .selectFrom('overrides')
      .select('action')
      .where('organisation_id', '=', w.a.orgId)
      .where('mention_id', '=', a)
      .orderBy('created_at')
      .execute()
    expect(overrides.map((o) => o.action)).toEqual(['no_reply_needed', 'needs_reply'])
  })

  it('keeps internal notes on the item, escaped, and logs them without their text', async () => {
    const id = w.mentions.open
    const text = 'Called back <b>Tuesday</b>; wants an afternoon slot'
    const res = await admin.post('/inbox/notes', { mention_id: id, text, return: '/inbox' })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/inbox?notice=note-added')
    const html = await (await admin.get('/inbox')).text()
    expect(html).toContain('Called back &lt;b&gt;Tuesday&lt;/b&gt;; wants an afternoon slot')
    expect(html).toContain('Internal notes (1)')
    const logged = await actionsOf('mention.noted', id)
    expect(logged).toHaveLength(1)
    expect(JSON.stringify(logged[0]!.detail)).not.toContain('Tuesday')
    const empty = await admin.post('/inbox/notes', { mention_id: id, text: '   ' })
    expect(empty.status).toBe(400)
  })

  it('answers malformed and unknown selections with 4xx and changes nothing', async () => {
    expect((await admin.post('/inbox/bulk', { action: 'assign', assignee: 'me' })).status).toBe(400)
    expect(
      (await admin.post('/inbox/bulk', { mention_id: w.mentions.open, action: 'explode' })).status,
    ).toBe(400)
    const unknown = await postForm(admin, '/inbox/bulk', [
      ['mention_id', w.mentions.open],
      ['mention_id', 'no-such-mention'],
      ['action', 'assign'],
      ['assignee', 'me'],
    ])
    expect(unknown.status).toBe(404)
    expect(await assigneeOf(w.mentions.open)).toBeNull()
    // An outbound mention is not an inbox item.
    expect(
      (await admin.post('/inbox/notes', { mention_id: w.mentions.reply, text: 'x' })).status,
    ).toBe(404)
    const noCsrf = await admin.post(
      '/inbox/bulk',
      { mention_id: w.mentions.open, action: 'assign', assignee: 'me' },
      { csrf: null },
    )
    expect(noCsrf.status).toBe(403)
    expect((await admin.post('/inbox/undo', { bulk_id: 'no-such-action' })).status).toBe(404)
  })

  it('lets a viewer read the inbox but neither assign, note, bulk-edit nor undo', async () => {
    const viewer = await signIn(w.app, 'viewer@a.example')
    const html = await (await viewer.get('/inbox')).text()
    expect(html).not.toContain('id="inbox-bulk"')
    expect(html).not.toContain('Assign to me')
    const id = w.mentions.open
    for (const [path, body] of [
      ['/inbox/bulk', { mention_id: id, action: 'assign', assignee: 'me' }],
      ['/inbox/bulk', { mention_id: id, action: 'no_reply_needed' }],
      ['/inbox/notes', { mention_id: id, text: 'hi' }],
      ['/inbox/undo', { bulk_id: 'x' }],
    ] as const)
      expect((await viewer.post(path, body)).status, path).toBe(403)
    expect(await assigneeOf(id)).toBeNull()
  })
})
