/**
 * @module Which saved replies the composer offers for a mention, and filled in for it: those
 * whose categories and star ratings fit, the practice's own first. A practice's reply replaces
 * the organisation-wide one of the same title, so a practice can override a default.
 */
import type { PracticeRow } from '@earshot/core'
import type { SavedReply } from './saved-reply-store.js'
import {
  type RenderedTemplate,
  renderTemplate,
  type TemplateValues,
} from './saved-reply-template.js'

/** What matching needs to know of the mention. */
export interface SavedReplyTarget {
  practiceId: string
  category: string | null
  rating: number | null
}

/** A saved reply filled in for one mention. */
export interface SavedReplyChoice extends RenderedTemplate {
  id: string
  title: string
  /** Null: the organisation-wide default. */
  practiceId: string | null
}

const titleKey = (title: string) => title.trim().toLowerCase()

/** Whether a saved reply suits the mention (ignoring which practice it belongs to). */
export function suits(reply: SavedReply, target: SavedReplyTarget): boolean {
  if (reply.categories.length && !reply.categories.includes(target.category as never)) return false
  if (reply.ratings.length && (target.rating === null || !reply.ratings.includes(target.rating)))
    return false
  return true
}

/**
 * The saved replies for a mention: the practice's own, then the organisation's (less one the
 * practice overrides by title); within each, the more specific (category and rating set) first.
 */
export function matchingSavedReplies(
  replies: readonly SavedReply[],
  target: SavedReplyTarget,
): SavedReply[] {
  const own = replies.filter((r) => r.practiceId === target.practiceId)
  const overridden = new Set(own.map((r) => titleKey(r.title)))
  const shared = replies.filter((r) => r.practiceId === null && !overridden.has(titleKey(r.title)))
  const specificity = (r: SavedReply) => (r.categories.length ? 1 : 0) + (r.ratings.length ? 1 : 0)
  const order = (list: SavedReply[]) =>
    list
      .filter((r) => suits(r, target))
      .sort((a, b) => specificity(b) - specificity(a) || a.title.localeCompare(b.title))
  return [...order(own), ...order(shared)]
}

/** The values a practice gives its templates (and the mention's author, when known). */
export function templateValuesFor(
  practice: Pick<PracticeRow, 'name' | 'phone' | 'booking_url'> | undefined,
  authorName?: string | null,
): TemplateValues {
  return {
    practice_name: practice?.name,
    practice_phone: practice?.phone,
    booking_link: practice?.booking_url,
    author_name: authorName,
  }
}

/** The matching saved replies, filled in for the mention. */
export function savedReplyChoices(
  replies: readonly SavedReply[],
  target: SavedReplyTarget & { authorName?: string | null },
  practice: Pick<PracticeRow, 'name' | 'phone' | 'booking_url'> | undefined,
): SavedReplyChoice[] {
  const values = templateValuesFor(practice, target.authorName)
  return matchingSavedReplies(replies, target).map((r) => ({
    id: r.id,
    title: r.title,
    practiceId: r.practiceId,
    ...renderTemplate(r.body, values),
  }))
}
