/**
 * @module The reply composer: a form any page can embed (the mention page, and inline in the
 * inbox). The browser script `/assets/reply-lint.js` lints as the user types through
 * `POST /replies/lint`; the server lints again on send. A blocking warning names the phrase and
 * why; "send anyway" needs a reason. One click fills in the "let's take this private" reply
 * and, where the platform allows it, switches to a private reply / DM.
 */
import type { ReplyOutboxRow } from '@earshot/core'
import type { AuthState } from '../http/dashboard-env.js'
import { CsrfField } from '../views/components.js'
import { formatDateTime } from '../views/format.js'
import type { SavedReplyChoice } from './saved-reply-match.js'
import { TEMPLATE_VARIABLES } from './saved-reply-template.js'

/** The "let's take this private" reply (no patient details, an invitation to a private channel). */
export const TAKE_PRIVATE_TEXT =
  "Thanks for reaching out. So we can help properly and keep your details private, please send us a private message or call the practice, and we'll take it from there."

/** What the composer needs to know of the mention it answers. */
export interface ComposerTarget {
  mentionId: string
  platform: string
  /** Whether the platform offers a private reply / DM for this mention. */
  canReplyPrivately: boolean
  /** Whether Earshot can reply on this platform at all. */
  canReply: boolean
}

/** Words for each outbox status. */
const STATUS_WORDS: Record<ReplyOutboxRow['status'], string> = {
  pending: 'sending',
  sent: 'sent',
  failed: 'not sent',
  unknown: 'outcome unknown',
}

export function ReplyComposer({
  target,
  auth,
  back,
  text = '',
  visibility = 'public',
  lint = [],
  error,
  saved = [],
  savedId,
}: {
  target: ComposerTarget
  auth: AuthState
  back: string
  text?: string
  visibility?: 'public' | 'private'
  /** Blocking warnings from the last send attempt (the server's lint). */
  lint?: readonly string[]
  /** Why the last attempt did not send. */
  error?: string
  /** Saved replies that suit this mention, filled in for it (best first). */
  saved?: readonly SavedReplyChoice[]
  /** The saved reply picked (`?saved=<id>`): its text fills an empty composer. */
  savedId?: string | undefined
}) {
  if (!auth.canWrite) return <p class="muted">Your role is read-only: you cannot send replies.</p>
  if (!target.canReply)
    return (
      <p class="muted">Earshot cannot reply on {target.platform}: answer on the platform itself.</p>
    )
  const id = `composer-${target.mentionId}`
  const picked = savedId ? saved.find((s) => s.id === savedId) : undefined
  const shown = text || picked?.text || ''
  return (
    <form
      method="post"
      action={`/mentions/${encodeURIComponent(target.mentionId)}/reply`}
      class="composer stack"
      data-reply-composer=""
      data-lint-url="/replies/lint"
      data-private-text={TAKE_PRIVATE_TEXT}
      aria-labelledby={`${id}-h`}
    >
      <h3 id={`${id}-h`}>Reply</h3>
      <CsrfField token={auth.csrfToken} />
      <input type="hidden" name="return" value={back} />
      {error ? (
        <p class="notice error" role="alert">
          {error}
        </p>
      ) : null}
      <SavedReplyPicker mentionId={target.mentionId} saved={saved} />
      <label for={`${id}-text`}>Your reply</label>
      <textarea id={`${id}-text`} name="text" rows={5} maxlength={10000} required>
        {shown}
      </textarea>
      {picked && picked.missing.length > 0 && !text ? (
        <p class="notice error" data-saved-missing="">
          Fill in before sending: {picked.missing.map((v) => TEMPLATE_VARIABLES[v]).join(', ')} (not
          set for this practice).
        </p>
      ) : null}
      <div class="lint" data-lint-output="" aria-live="polite">
        {lint.length ? <LintWarnings warnings={lint} /> : null}
      </div>
      <fieldset class="inline">
        <legend>Send as</legend>
        <label>
          <input type="radio" name="visibility" value="public" checked={visibility === 'public'} />{' '}
          public reply
        </label>
        {target.canReplyPrivately ? (
          <label>
            <input
              type="radio"
              name="visibility"
              value="private"
              checked={visibility === 'private'}
            />{' '}
            private reply / message
          </label>
        ) : null}
      </fieldset>
      <label class={lint.length ? '' : 'override'} data-override="">
        Send anyway? Say why (required when a warning is shown)
        <input type="text" name="override_reason" maxlength={500} />
      </label>
      <div class="actions">
        <button type="submit">Send reply</button>
        <button type="button" class="secondary" data-take-private="">
          Let's take this private
        </button>
      </div>
    </form>
  )
}

/**
 * The saved replies on offer. Each is a link that reloads the mention page with the composer
 * filled in (works without JavaScript); `app.js` fills the textarea in place instead.
 */
export function SavedReplyPicker({
  mentionId,
  saved,
}: {
  mentionId: string
  saved: readonly SavedReplyChoice[]
}) {
  if (saved.length === 0) return null
  const base = `/mentions/${encodeURIComponent(mentionId)}`
  return (
    <div class="saved-replies">
      <span class="muted">Saved replies:</span>{' '}
      {saved.map((s, i) => (
        <>
          {i ? ' · ' : ''}
          <a
            href={`${base}?saved=${encodeURIComponent(s.id)}#composer-${mentionId}-h`}
            data-saved-text={s.text}
            data-saved-reply={s.id}
          >
            {s.title}
          </a>
        </>
      ))}
    </div>
  )
}

export function LintWarnings({ warnings }: { warnings: readonly string[] }) {
  return (
    <div class="notice error" role="alert">
      <strong>Privacy check: this reply would be public and it</strong>
      <ul>
        {warnings.map((w) => (
          <li>{w}</li>
        ))}
      </ul>
      <span>Change the text, send it privately, or give a reason to send it anyway.</span>
    </div>
  )
}

/** The replies sent (or tried) from Earshot, with who sent them and why a send failed. */
export function ReplyHistory({
  replies,
  auth,
  tz,
  back,
  userNames,
}: {
  replies: readonly ReplyOutboxRow[]
  auth: AuthState
  tz: string
  back: string
  userNames: ReadonlyMap<string, string>
}) {
  if (replies.length === 0) return null
  return (
    <>
      <h3>Replies sent from Earshot</h3>
      <ul class="replies">
        {replies.map((r) => (
          <li>
            <strong>{STATUS_WORDS[r.status]}</strong> ({r.visibility}) by{' '}
            {r.user_id ? (userNames.get(r.user_id) ?? 'a user') : 'the system'} on{' '}
            {formatDateTime(r.sent_at ?? r.updated_at, tz)}: <q>{r.text}</q>
            {r.override_reason ? (
              <span class="muted"> — sent despite a warning: {r.override_reason}</span>
            ) : null}
            {r.failure_reason ? <p class="notice error">{r.failure_reason}</p> : null}
            {(r.status === 'failed' || r.status === 'unknown') && auth.canWrite ? (
              <form
                method="post"
                action={`/mentions/${encodeURIComponent(r.mention_id)}/replies/${encodeURIComponent(r.id)}/retry`}
                class="inline"
              >
                <CsrfField token={auth.csrfToken} />
                <input type="hidden" name="return" value={back} />
                <button type="submit" class="secondary">
                  Try again
                </button>
              </form>
            ) : null}
          </li>
        ))}
      </ul>
    </>
  )
}
