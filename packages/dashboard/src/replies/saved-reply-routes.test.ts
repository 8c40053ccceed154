import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createTestWorld,
  signIn,
  type TestClient,
  type TestWorld,
} from '../test-support/test-world.js'
import { savedRepliesDb } from './saved-reply-tables.js'

let w: TestWorld
let admin: TestClient
let manager: TestClient
let viewer: TestClient

beforeAll(async () => {
  w = await createTestWorld()
  admin = await signIn(w.app, 'admin@a.example')
  manager = await signIn(w.app, 'manager@a.example')
  viewer = await signIn(w.app, 'viewer@a.example')
})
afterAll(async () => {
  await w?.close()
})

/** Posts a form whose fields may repeat (checkboxes). */
function postForm(client: TestClient, path: string, fields: [string, string][], csrf = true) {
  const body = new URLSearchParams([...(csrf ? [['_csrf', client.csrf]] : []), ...fields])
  return client.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: body.toString(),
  })
}

const rows = () =>
  savedRepliesDb(w.db)
    .selectFrom('saved_replies')
    .selectAll()
    .where('organisation_id', '=', w.a.orgId)
    .orderBy('title')
    .execute()

async function idOf(title: string): Promise<string> {
  const row = (await rows()).find((r) => r.title === title)
  if (!row) throw new Error(`no saved reply ${title}`)
  return row.id
}

describe('saved reply set-up pages', () => {
  it('creates an organisation-wide reply for categories and star ratings, and lists it', async () => {
    const res = await postForm(admin, '/setup/saved-replies', [
      ['practice_id', ''],
      ['title', 'Question answered'],
      ['body', 'Thanks {author_name}! Call {practice_name} on {practice_phone}.'],
      ['categories', 'question'],
      ['categories', 'booking'],
      ['ratings', '4'],
      ['ratings', '5'],
      ['intent', 'save'],
    ])
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/setup/saved-replies?notice=created')
    const [row] = await rows()
    expect(row).toMatchObject({
      practice_id: null,
      title: 'Question answered',
      categories: ['question', 'booking'],
      ratings: [4, 5],
      created_by: w.a.admin,
    })
    const list = await (await admin.get('/setup/saved-replies')).text()
    expect(list).toContain('Question answered')
    expect(list).toContain('question, booking; 4, 5 stars')
    expect(list).toContain('All practices')
    const logged = await w.db
      .selectFrom('user_actions')
      .select('target_type')
      .where('organisation_id', '=', w.a.orgId)
      .where('target_id', '=', row!.id)
      .execute()
    expect(logged).toEqual([{ target_type: 'saved_reply' }])
  })

  it('refuses an unknown variable, naming it, and keeps what was typed', async () => {
    const before = (await rows()).length
    const res = await postForm(admin, '/setup/saved-replies', [
      ['practice_id', w.a.practice1],
      ['title', 'Typo'],
      ['body', 'Call us on {phone_number}'],
      ['intent', 'save'],
    ])
    expect(res.status).toBe(400)
    const html = await res.text()
    expect(html).toContain('unknown variable {phone_number}')
    expect(html).toContain('Nothing was saved yet')
    expect(html).toContain('value="Typo"')
    expect((await rows()).length).toBe(before)
  })

  it('refuses a template the privacy lint warns about, showing the warning', async () => {
    const res = await postForm(admin, '/setup/saved-replies', [
      ['practice_id', w.a.practice1],
      ['title', 'Confirms'],
      ['body', 'Great to hear, {author_name}: we loved seeing you as one of our patients.'],
      ['intent', 'save'],
    ])
    expect(res.status).toBe(422)
    const html = await res.text()
    expect(html).toContain('confirms the person is a patient')
    expect((await rows()).some((r) => r.title === 'Confirms')).toBe(false)
  })

  it('rejects a form without the CSRF token', async () => {
    const res = await postForm(
      admin,
      '/setup/saved-replies',
      [
        ['title', 'No token'],
        ['body', 'Hello'],
      ],
      false,
    )
    expect(res.status).toBe(403)
    expect((await rows()).some((r) => r.title === 'No token')).toBe(false)
  })

  it('lets a viewer read the list but change nothing', async () => {
    const id = await idOf('Question answered')
    const list = await (await viewer.get('/setup/saved-replies')).text()
    expect(list).toContain('Question answered')
    expect(list).not.toContain('New saved reply')
    expect(list).not.toContain(`/setup/saved-replies/${id}/edit`)
    expect((await viewer.get('/setup/saved-replies/new')).status).toBe(403)
    const created = await postForm(viewer, '/setup/saved-replies', [
      ['practice_id', w.a.practice1],
      ['title', 'Viewer'],
      ['body', 'Hello'],
    ])
    expect(created.status).toBe(403)
    expect((await postForm(viewer, `/setup/saved-replies/${id}/delete`, [])).status).toBe(403)
    expect((await rows()).map((r) => r.title)).toEqual(['Question answered'])
  })

  it("lets a manager edit their practice's replies but not the organisation's defaults", async () => {
    const shared = await idOf('Question answered')
    expect((await manager.get(`/setup/saved-replies/${shared}/edit`)).status).toBe(403)
    const orgWide = await postForm(manager, '/setup/saved-replies', [
      ['practice_id', ''],
      ['title', 'Manager default'],
      ['body', 'Hello'],
    ])
    expect(orgWide.status).toBe(403)
    const otherPractice = await postForm(manager, '/setup/saved-replies', [
      ['practice_id', w.a.practice2],
      ['title', 'Not mine'],
      ['body', 'Hello'],
    ])
    expect(otherPractice.status).toBe(404)
    const own = await postForm(manager, '/setup/saved-replies', [
      ['practice_id', w.a.practice1],
      ['title', 'Booking help'],
      ['body', 'Book online at {booking_link} or call {practice_phone}.'],
      ['categories', 'question'],
      ['intent', 'save'],
    ])
    expect(own.status).toBe(303)
    const id = await idOf('Booking help')
    const edited = await postForm(manager, `/setup/saved-replies/${id}`, [
      ['practice_id', w.a.practice1],
      ['title', 'Booking help'],
      ['body', 'Book online at {booking_link}, or ring {practice_name}.'],
      ['categories', 'question'],
      ['intent', 'save'],
    ])
    expect(edited.status).toBe(303)
    const row = (await rows()).find((r) => r.id === id)
    expect(row?.body).toBe('Book online at {booking_link}, or ring {practice_name}.')
    expect(row?.updated_by).toBe(w.a.manager)
  })

  it('deletes a reply', async () => {
    await postForm(admin, '/setup/saved-replies', [
      ['practice_id', w.a.practice2],
      ['title', 'Short lived'],
      ['body', 'Hello'],
      ['intent', 'save'],
    ])
    const id = await idOf('Short lived')
    const res = await postForm(admin, `/setup/saved-replies/${id}/delete`, [])
    expect(res.status).toBe(303)
    expect((await rows()).some((r) => r.id === id)).toBe(false)
  })
})

describe('saved replies in the composer', () => {
  it('offers the replies that suit the mention, its practice first, and fills one in on ?saved=', async () => {
    // A booking-only reply must not be offered for a question.
    await postForm(admin, '/setup/saved-replies', [
      ['practice_id', ''],
      ['title', 'Only bookings'],
      ['body', 'Book at {booking_link}'],
      ['categories', 'booking'],
      ['intent', 'save'],
    ])
    const own = await idOf('Booking help')
    const page = await (await admin.get(`/mentions/${w.mentions.open}`)).text()
    expect(page).toContain('Booking help')
    expect(page).not.toContain('Only bookings')
    // "Question answered" asks for 4-5 stars: the open question has none.
    expect(page).not.toContain('Question answered')
    expect(page).toContain(`?saved=${own}`)
    const filled = await (await admin.get(`/mentions/${w.mentions.open}?saved=${own}`)).text()
    expect(filled).toContain('Book online at [missing: booking link], or ring Harbour GP.')
    expect(filled).toContain('Fill in before sending: booking link')
  })

  it('fills in the booking link once it is set on the practice form', async () => {
    const practiceForm = {
      name: 'Harbour GP',
      time_zone: 'Australia/Sydney',
      holiday_region: 'AU-NSW',
      hours: 'mon-fri 08:00-18:00',
      promise: '',
      statement: '',
      phone: '(02) 9000 0000',
      intent: 'save',
    }
    const bad = await admin.post(`/setup/practices/${w.a.practice1}`, {
      ...practiceForm,
      booking_url: 'javascript:alert(1)',
    })
    expect(bad.status).toBe(400)
    expect(await bad.text()).toContain('a booking link starts with https://')
    const saved = await admin.post(`/setup/practices/${w.a.practice1}`, {
      ...practiceForm,
      booking_url: 'https://harbour.example/book',
    })
    expect(saved.status).toBe(303)
    const edit = await (await admin.get(`/setup/practices/${w.a.practice1}/edit`)).text()
    expect(edit).toContain('value="https://harbour.example/book"')
    expect(edit).toContain('value="(02) 9000 0000"')
    const own = await idOf('Booking help')
    const client = await signIn(w.app, 'admin@a.example')
    const filled = await (await client.get(`/mentions/${w.mentions.open}?saved=${own}`)).text()
    expect(filled).toContain('Book online at https://harbour.example/book, or ring Harbour GP.')
    expect(filled).not.toContain('Fill in before sending')
  })

  it('offers them inline in the inbox, not to a viewer', async () => {
    const own = await idOf('Booking help')
    const inbox = await (await admin.get('/inbox')).text()
    expect(inbox).toContain(`href="/mentions/${w.mentions.open}?saved=${own}`)
    expect(inbox).toContain('data-saved-text=')
    expect(await (await viewer.get('/inbox')).text()).not.toContain('data-saved-text=')
  })

  it('never sends a reply that still carries a missing marker', async () => {
    const res = await admin.post(`/mentions/${w.mentions.open}/reply`, {
      text: 'Call us on [missing: practice phone].',
      visibility: 'public',
      override_reason: 'sending anyway',
    })
    expect(res.status).toBe(400)
    expect(await res.text()).toContain('[missing: practice phone]')
    const lint = await admin.request('/replies/lint', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': admin.csrf },
      body: JSON.stringify({ text: 'Call [missing: practice phone]' }),
    })
    expect((await lint.json()).warnings[0]).toContain('[missing: practice phone]')
  })
})

describe('saved replies in the JSON API', () => {
  const api = (path: string) =>
    w.app.request(path, { headers: { authorization: `Bearer ${w.a.token}` } })

  it("lists a practice's replies with the defaults, and those suiting a mention filled in", async () => {
    const list = await (await api(`/api/v1/saved-replies?practice=${w.a.practice1}`)).json()
    const titles = list.savedReplies.map((r: { title: string }) => r.title).sort()
    expect(titles).toEqual(['Booking help', 'Only bookings', 'Question answered'])
    const other = await (await api(`/api/v1/saved-replies?practice=${w.a.practice2}`)).json()
    expect(other.savedReplies.map((r: { title: string }) => r.title)).not.toContain('Booking help')
    const forMention = await (await api(`/api/v1/saved-replies?mention=${w.mentions.open}`)).json()
    expect(forMention.savedReplies).toEqual([
      expect.objectContaining({
        title: 'Booking help',
        text: 'Book online at https://harbour.example/book, or ring Harbour GP.',
        missing: [],
      }),
    ])
  })

  it('answers 400 for an unknown parameter and 404 for a practice out of scope', async () => {
    expect((await api('/api/v1/saved-replies?colour=blue')).status).toBe(400)
    expect((await api(`/api/v1/saved-replies?practice=${w.b.practice}`)).status).toBe(404)
    expect((await api(`/api/v1/saved-replies?mention=${w.b.mentionIds[0]}`)).status).toBe(404)
  })
})
