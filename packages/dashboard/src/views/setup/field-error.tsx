/**
 * @module Form pieces of the set-up pages: a field's error (tied to its input by id, announced
 * to screen readers) and the "understood as" line that shows typed text back as parsed.
 */

/** The error under a field, when there is one. `id` is what the input's aria-describedby names. */
export function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null
  return (
    <span class="field-error" id={id} role="alert">
      {message}
    </span>
  )
}

/** "Understood as: …" under a text field that Earshot parses. */
export function Understood({ text }: { text: string | undefined }) {
  if (!text) return null
  return (
    <span class="understood">
      Understood as: <strong>{text}</strong>
    </span>
  )
}
