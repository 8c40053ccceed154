/**
 * @module Pages of saved replies: the list (per practice, organisation-wide defaults with them)
 * and the form to create or edit one, showing the template filled in and its privacy lint.
 */
import { CATEGORIES, type PracticeRow } from '@earshot/core'
import type { AuthState } from '../http/dashboard-env.js'
import { CsrfField, Notice } from '../views/components.js'
import { humanise } from '../views/format.js'
import { FieldError } from '../views/setup/field-error.js'
import { LintWarnings } from './reply-composer.js'
import { BODY_MAX, RATINGS, type SavedReplyFormResult, TITLE_MAX } from './saved-reply-form.js'
import type { SavedReply } from './saved-reply-store.js'
import { TEMPLATE_VARIABLES } from './saved-reply-template.js'

/** "question, booking" / "any category". */
export function applicabilityText(r: Pick<SavedReply, 'categories' | 'ratings'>): string {
  const cats = r.categories.length ? r.categories.map(humanise).join(', ') : 'any category'
  const stars = r.ratings.length ? `; ${r.ratings.join(', ')} stars` : ''
  return cats + stars
}

export function SavedReplyList({
  replies,
  practices,
  practiceId,
  editable,
  csrfToken,
}: {
  replies: readonly SavedReply[]
  practices: readonly PracticeRow[]
  /** The practice filter ('' = every practice the user sees). */
  practiceId: string
  editable: (r: SavedReply) => boolean
  csrfToken: string | null
}) {
  const nameOf = (id: string | null) =>
    id === null ? 'All practices' : (practices.find((p) => p.id === id)?.name ?? id)
  return (
    <>
      <form method="get" action="/setup/saved-replies" class="filters">
        <label>
          Practice
          <select name="practice">
            <option value="">All my practices</option>
            {practices.map((p) => (
              <option value={p.id} selected={p.id === practiceId}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Show</button>
      </form>
      {replies.length === 0 ? (
        <p class="muted">No saved replies yet.</p>
      ) : (
        <div class="table-wrap">
          <table class="data">
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">For</th>
                <th scope="col">Suits</th>
                <th scope="col">Text</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {replies.map((r) => (
                <tr>
                  <th scope="row">{r.title}</th>
                  <td>{nameOf(r.practiceId)}</td>
                  <td>{applicabilityText(r)}</td>
                  <td class="text-cell">{r.body}</td>
                  <td>
                    {editable(r) ? (
                      <>
                        <a href={`/setup/saved-replies/${encodeURIComponent(r.id)}/edit`}>Edit</a>
                        <form
                          method="post"
                          action={`/setup/saved-replies/${encodeURIComponent(r.id)}/delete`}
                          class="inline"
                        >
                          <CsrfField token={csrfToken} />
                          <button type="submit" class="secondary">
                            Delete
                          </button>
                        </form>
                      </>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  )
}

/** The form. `scopes` are the choices of "for": the practices the user may edit, and '' when they may edit defaults. */
export function SavedReplyFormView({
  action,
  auth,
  form,
  scopes,
  submitLabel,
}: {
  action: string
  auth: AuthState
  form: Pick<SavedReplyFormResult, 'values' | 'errors' | 'preview' | 'missing' | 'lint'>
  scopes: readonly { id: string; name: string }[]
  submitLabel: string
}) {
  const { values, errors } = form
  const invalid = (field: keyof typeof errors) => (errors[field] ? 'true' : undefined)
  return (
    <form method="post" action={action} class="stack setup-form" novalidate>
      <CsrfField token={auth.csrfToken} />
      {Object.keys(errors).length || form.lint.length ? (
        <Notice kind="error">Nothing was saved yet: please fix what is marked below.</Notice>
      ) : null}
      <label>
        Title
        <input
          type="text"
          name="title"
          required
          maxlength={TITLE_MAX}
          value={values.title}
          aria-invalid={invalid('title')}
          aria-describedby={errors.title ? 'title-error' : undefined}
        />
        <FieldError id="title-error" message={errors.title} />
      </label>
      <label>
        For
        <select
          name="practice_id"
          aria-invalid={invalid('practiceId')}
          aria-describedby={errors.practiceId ? 'practiceId-error' : undefined}
        >
          {scopes.map((s) => (
            <option value={s.id} selected={s.id === values.practiceId}>
              {s.name}
            </option>
          ))}
        </select>
        <FieldError id="practiceId-error" message={errors.practiceId} />
      </label>
      <label>
        Text
        <textarea
          name="body"
          rows={6}
          required
          maxlength={BODY_MAX}
          aria-invalid={invalid('body')}
          aria-describedby={errors.body ? 'body-error body-hint' : 'body-hint'}
        >
          {values.body}
        </textarea>
        <span class="muted small" id="body-hint">
          Variables:{' '}
          {Object.entries(TEMPLATE_VARIABLES).map(([name, words], i) => (
            <>
              {i ? ', ' : ''}
              <code>{`{${name}}`}</code> ({words})
            </>
          ))}
          . Phone and booking link are set on each practice.
        </span>
        <FieldError id="body-error" message={errors.body} />
      </label>
      {form.preview ? (
        <div class="stack">
          <strong>As it would be sent</strong>
          <blockquote>{form.preview}</blockquote>
          {form.missing.length ? (
            <p class="notice error">
              Not set for this practice: {form.missing.join(', ')}. The composer shows a marker
              there until it is set under Practices.
            </p>
          ) : null}
        </div>
      ) : null}
      {form.lint.length ? <LintWarnings warnings={form.lint} /> : null}
      <fieldset>
        <legend>Suits these categories (none ticked: any)</legend>
        {CATEGORIES.map((cat) => (
          <label class="inline-check">
            <input
              type="checkbox"
              name="categories"
              value={cat}
              checked={values.categories.includes(cat)}
            />
            {humanise(cat)}
          </label>
        ))}
        <FieldError id="categories-error" message={errors.categories} />
      </fieldset>
      <fieldset>
        <legend>Suits reviews with these stars (none ticked: any mention)</legend>
        {RATINGS.map((n) => (
          <label class="inline-check">
            <input
              type="checkbox"
              name="ratings"
              value={String(n)}
              checked={values.ratings.includes(String(n))}
            />
            {n} {n === 1 ? 'star' : 'stars'}
          </label>
        ))}
        <FieldError id="ratings-error" message={errors.ratings} />
      </fieldset>
      <div class="button-row">
        <button type="submit" name="intent" value="check" class="secondary">
          Check the text
        </button>
        <button type="submit" name="intent" value="save">
          {submitLabel}
        </button>
      </div>
    </form>
  )
}
