/**
 * @module The demo's saved replies: organisation-wide defaults for the common cases (reviews by
 * star rating, bookings, clinical questions, complaints) and one practice's own booking reply,
 * with a made-up phone number and booking link on each practice so the variables fill in.
 */
import type { Category, Database } from '@earshot/core'
import type { Kysely } from 'kysely'
import { createSavedReply } from '../replies/saved-reply-store.js'

interface DemoSavedReply {
  title: string
  body: string
  categories: Category[]
  ratings: number[]
}

/** Organisation-wide defaults; each passes the reply lint and names only known variables. */
export const DEMO_SAVED_REPLIES: readonly DemoSavedReply[] = [
  {
    title: 'Thanks for a great review',
    body: 'Thank you {author_name} for the kind words! Everyone at {practice_name} appreciates you taking the time to share them.',
    categories: ['review', 'praise'],
    ratings: [4, 5],
  },
  {
    title: 'Thanks for a mixed review',
    body: "Thanks for the feedback, {author_name}. If there's anything we could do better, we'd love to hear it: please call {practice_name} on {practice_phone}.",
    categories: ['review', 'feedback'],
    ratings: [3],
  },
  {
    title: 'Sorry to hear this',
    body: "We're sorry to read this, {author_name}. We'd like to understand what happened and put it right: please call {practice_phone} and ask for the practice manager.",
    categories: ['review', 'complaint'],
    ratings: [1, 2],
  },
  {
    title: 'Booking',
    body: 'Hi {author_name}, you can book online at {booking_link} or call {practice_name} on {practice_phone}.',
    categories: ['booking', 'question'],
    ratings: [],
  },
  {
    title: 'Health question',
    body: "Thanks for your question. We can't give medical advice here: please call {practice_phone} to speak with our team, or call 000 in an emergency.",
    categories: ['clinical'],
    ratings: [],
  },
]

/** A practice's own reply, replacing the default "Booking" there. */
export const DEMO_PRACTICE_BOOKING: DemoSavedReply = {
  title: 'Booking',
  body: 'Hi {author_name}, new and returning smiles are always welcome: book online at {booking_link} or call us on {practice_phone}.',
  categories: ['booking', 'question'],
  ratings: [],
}

/**
 * Gives each practice a phone and booking link and stores the saved replies; the last practice
 * (the dental one in the demo) gets its own booking reply.
 */
export async function seedDemoSavedReplies(
  db: Kysely<Database>,
  organisationId: string,
  practices: readonly { id: string; slug: string }[],
  now: Date,
): Promise<void> {
  for (const [i, p] of practices.entries()) {
    await db
      .updateTable('practices')
      .set({
        // 02 5550 01xx is reserved for fiction by the Australian numbering plan.
        phone: `(02) 5550 01${String(10 + i).padStart(2, '0')}`,
        booking_url: `https://${p.slug}.example/book`,
      })
      .where('organisation_id', '=', organisationId)
      .where('id', '=', p.id)
      .execute()
  }
  for (const reply of DEMO_SAVED_REPLIES)
    await createSavedReply(db, organisationId, { ...reply, practiceId: null }, null, now)
  const own = practices.at(-1)
  if (own)
    await createSavedReply(
      db,
      organisationId,
      { ...DEMO_PRACTICE_BOOKING, practiceId: own.id },
      null,
      now,
    )
}
