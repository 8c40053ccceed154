/**
 * @module The working parts of the inbox page: the bulk bar (act on the ticked items, undo the
 * last action), each item's tick box, assignment buttons, internal notes, and the inline reply
 * (the thread it answers, then the same composer the mention page uses).
 */
import type { AuthState } from '../http/dashboard-env.js'
import { type ComposerTarget, ReplyComposer } from '../replies/reply-composer.js'
import { replyOptionsFor } from '../replies/reply-options.js'
import { type SavedReplyTarget, savedReplyChoices } from '../replies/saved-reply-match.js'
import type { SavedReply } from '../replies/saved-reply-store.js'
import { CsrfField } from '../views/components.js'
import { formatDateTime } from '../views/format.js'
import type { InboxNote } from './inbox-actions.js'
import type { BulkActionKind } from './inbox-tables.js'
import type { ThreadMessage } from './inbox-threads.js'

/** The id of the bulk form the items' tick boxes belong to (`form=` attribute). */
export const BULK_FORM_ID = 'inbox-bulk'

const UNDO_WORDS: Record<BulkActionKind, string> = {
  assign: 'assignment',
  unassign: 'unassignment',
  no_reply_needed: '"no reply needed"',
  handled_elsewhere: '"handled elsewhere"',
}

export function BulkBar({
  auth,
  back,
  colleagues,
  undo,
}: {
  auth: AuthState
  back: string
  colleagues: readonly { id: string; name: string }[]
  undo: { id: string; action: BulkActionKind; count: number } | undefined
}) {
  if (!auth.canWrite) return null
  return (
    <div class="inbox-bulk stack">
      <form id={BULK_FORM_ID} method="post" action="/inbox/bulk" class="inline">
        <CsrfField token={auth.csrfToken} />
        <input type="hidden" name="return" value={back} />
        <label for="bulk-action">With the ticked items</label>{' '}
        <select id="bulk-action" name="action">
          <option value="assign">assign to</option>
          <option value="unassign">unassign</option>
          <option value="no_reply_needed">no reply needed</option>
          <option value="handled_elsewhere">handled elsewhere</option>
        </select>{' '}
        <label for="bulk-assignee" class="visually-hidden">
          Colleague
        </label>
        <select id="bulk-assignee" name="assignee">
          <option value="me">me</option>
          {colleagues
            .filter((u) => u.id !== auth.user.id)
            .map((u) => (
              <option value={u.id}>{u.name}</option>
            ))}
        </select>{' '}
        <button type="submit">Apply</button>
      </form>
      {undo ? (
        <form method="post" action="/inbox/undo" class="inline">
          <CsrfField token={auth.csrfToken} />
          <input type="hidden" name="return" value={back} />
          <input type="hidden" name="bulk_id" value={undo.id} />
          <span>
            Your last {UNDO_WORDS[undo.action]} of {undo.count}{' '}
            {undo.count === 1 ? 'item' : 'items'} can be undone for a few minutes.
          </span>{' '}
          <button type="submit" class="secondary">
            Undo
          </button>
        </form>
      ) : null}
    </div>
  )
}

/** The tick box of one item (part of the bulk form through `form=`). */
export function ItemSelect({ mentionId, auth }: { mentionId: string; auth: AuthState }) {
  if (!auth.canWrite) return null
  return (
    <label class="inbox-select">
      <input type="checkbox" name="mention_id" value={mentionId} form={BULK_FORM_ID} />
      <span class="visually-hidden">Select</span>
    </label>
  )
}

/** "Assign to me" (or "Unassign" when it is assigned) for one item. */
export function AssignButtons({
  mentionId,
  assigneeId,
  auth,
  back,
}: {
  mentionId: string
  assigneeId: string | null
  auth: AuthState
  back: string
}) {
  if (!auth.canWrite) return null
  const mine = assigneeId === auth.user.id
  return (
    <form method="post" action="/inbox/bulk" class="inline inbox-assign">
      <CsrfField token={auth.csrfToken} />
      <input type="hidden" name="return" value={back} />
      <input type="hidden" name="mention_id" value={mentionId} />
      {mine ? (
        <input type="hidden" name="action" value="unassign" />
      ) : (
        <>
          <input type="hidden" name="action" value="assign" />
          <input type="hidden" name="assignee" value="me" />
        </>
      )}
      <button type="submit" class="secondary">
        {mine ? 'Unassign me' : 'Assign to me'}
      </button>
    </form>
  )
}

/** Internal notes of one item and a form to add one. */
export function InboxNotes({
  mentionId,
  notes,
  names,
  auth,
  back,
  timeZone,
}: {
  mentionId: string
  notes: readonly InboxNote[]
  names: ReadonlyMap<string, string>
  auth: AuthState
  back: string
  timeZone: string
}) {
  return (
    <details class="inbox-notes">
      <summary>
        Internal notes{notes.length ? ` (${notes.length})` : ''}{' '}
        <span class="muted">— never sent to the platform</span>
      </summary>
      {notes.length ? (
        <ul>
          {notes.map((n) => (
            <li>
              <strong>{names.get(n.userId) ?? 'a colleague'}</strong>,{' '}
              {formatDateTime(n.createdAt, timeZone)}: {n.text}
            </li>
          ))}
        </ul>
      ) : null}
      {auth.canWrite ? (
        <form method="post" action="/inbox/notes" class="stack">
          <CsrfField token={auth.csrfToken} />
          <input type="hidden" name="return" value={back} />
          <input type="hidden" name="mention_id" value={mentionId} />
          <label for={`note-${mentionId}`}>Add a note for colleagues</label>
          <textarea id={`note-${mentionId}`} name="text" rows={2} maxlength={2000} required />
          <div class="actions">
            <button type="submit" class="secondary">
              Add note
            </button>
          </div>
        </form>
      ) : null}
    </details>
  )
}

/** The thread the item answers in, then the reply composer (the mention page's, not a copy). */
export function InlineReply({
  item,
  thread,
  auth,
  back,
  timeZone,
  saved = [],
}: {
  item: { id: string; platform: string; kind: string; authorName: string | null } & SavedReplyTarget
  thread: readonly ThreadMessage[]
  auth: AuthState
  back: string
  timeZone: string
  /** The saved replies of the user's practices; the ones that suit this item are offered. */
  saved?: readonly SavedReply[]
}) {
  const target: ComposerTarget = {
    mentionId: item.id,
    platform: item.platform,
    ...replyOptionsFor(item),
  }
  return (
    <details class="inbox-reply">
      <summary>Reply</summary>
      {thread.length ? (
        <ol class="thread-context" aria-label="Earlier in this conversation">
          {thread.map((t) => (
            <li class={`thread-${t.direction}`}>
              <span class="muted">
                {t.direction === 'outbound' ? 'You' : (t.authorName ?? 'Someone')},{' '}
                {formatDateTime(t.createdAt, timeZone)}:
              </span>{' '}
              {t.text}
            </li>
          ))}
        </ol>
      ) : (
        <p class="muted">No earlier messages in this conversation.</p>
      )}
      <ReplyComposer
        target={target}
        auth={auth}
        back={back}
        saved={savedReplyChoices(
          saved,
          item,
          auth.practices.find((p) => p.id === item.practiceId),
        )}
      />
    </details>
  )
}
