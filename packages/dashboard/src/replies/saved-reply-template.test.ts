import { describe, expect, it } from 'vitest'
import { matchingSavedReplies } from './saved-reply-match.js'
import type { SavedReply } from './saved-reply-store.js'
import { missingMarkersIn, renderTemplate, templateErrors } from './saved-reply-template.js'

describe('renderTemplate', () => {
  it('fills in every known variable, spaces inside the braces allowed', () => {
    const out = renderTemplate('Hi {author_name}, call {practice_name} on { practice_phone }.', {
      author_name: 'Sam',
      practice_name: 'Harbour GP',
      practice_phone: '02 9000 0000',
    })
    expect(out).toEqual({ text: 'Hi Sam, call Harbour GP on 02 9000 0000.', missing: [] })
  })

  it('leaves a marker, never a blank, where a value is missing or blank', () => {
    const out = renderTemplate('Book at {booking_link} or call {practice_phone}.', {
      booking_link: '  ',
      practice_phone: null,
    })
    expect(out.text).toBe('Book at [missing: booking link] or call [missing: practice phone].')
    expect(out.missing).toEqual(['booking_link', 'practice_phone'])
    expect(missingMarkersIn(out.text)).toEqual(['booking link', 'practice phone'])
  })

  it('does not treat a value as a template (no second expansion)', () => {
    const out = renderTemplate('{practice_name}', { practice_name: '{booking_link} <b>' })
    expect(out.text).toBe('{booking_link} <b>')
  })
})

describe('templateErrors', () => {
  it.each([
    ['Call {phone}', '{phone}'],
    ['Book at {practice name}', '{practice name}'],
    ['Hi {}', '{}'],
  ])('names the unknown variable in %j', (body, name) => {
    const [error] = templateErrors(body)
    expect(error).toContain(`unknown variable ${name}`)
    expect(error).toContain('{practice_phone}')
  })

  it('accepts the known variables and text without braces', () => {
    expect(templateErrors('Thanks {author_name}, from {practice_name}: {booking_link}')).toEqual([])
    expect(templateErrors('Thanks!')).toEqual([])
  })
})

describe('matchingSavedReplies', () => {
  const reply = (over: Partial<SavedReply>): SavedReply => ({
    id: over.title ?? 'x',
    practiceId: null,
    title: 'x',
    body: 'b',
    categories: [],
    ratings: [],
    createdAt: new Date(0),
    createdBy: null,
    updatedAt: new Date(0),
    updatedBy: null,
    ...over,
  })
  const all = [
    reply({ title: 'Any' }),
    reply({ title: 'Low stars', categories: ['review'], ratings: [1, 2] }),
    reply({ title: 'High stars', categories: ['review'], ratings: [4, 5] }),
    reply({ title: 'Booking', categories: ['booking'] }),
    reply({ title: 'Own any', practiceId: 'p1' }),
    reply({ id: 'own-booking', title: 'booking ', practiceId: 'p1', categories: ['booking'] }),
    reply({ title: 'Other practice', practiceId: 'p2' }),
  ]
  const titles = (t: Parameters<typeof matchingSavedReplies>[1]) =>
    matchingSavedReplies(all, t).map((r) => r.title)

  it('offers by category and star rating, the practice own first, specific before general', () => {
    expect(titles({ practiceId: 'p1', category: 'review', rating: 1 })).toEqual([
      'Own any',
      'Low stars',
      'Any',
    ])
    expect(titles({ practiceId: 'p2', category: 'review', rating: 5 })).toEqual([
      'Other practice',
      'High stars',
      'Any',
    ])
  })

  it("lets a practice's reply replace the default of the same title", () => {
    expect(titles({ practiceId: 'p1', category: 'booking', rating: null })).toEqual([
      'booking ',
      'Own any',
      'Any',
    ])
    expect(titles({ practiceId: 'p3', category: 'booking', rating: null })).toEqual([
      'Booking',
      'Any',
    ])
  })

  it('offers no rated reply to a mention without stars', () => {
    expect(titles({ practiceId: 'p3', category: 'review', rating: null })).toEqual(['Any'])
  })
})
