/**
 * @module The form to create or edit a practice: time-zone and holiday-region pickers, opening
 * hours and promise typed as text, each shown back as understood, with an error per field.
 */
import { listHolidayRegions } from '@earshot/core'
import type { PracticeFormResult } from '../../setup/practice-form.js'
import { listTimeZones } from '../../setup/time-zones.js'
import { CsrfField } from '../components.js'
import { FieldError, Understood } from './field-error.js'

export interface PracticeFormViewProps {
  action: string
  csrfToken: string | null
  form: Pick<PracticeFormResult, 'values' | 'errors' | 'understood'>
  submitLabel: string
  /** Editing: an empty promise keeps the current one (which the text form may not express). */
  promiseOptional?: boolean
}

/** Countries with their states under them, for the holiday-region picker. */
function HolidayOptions({ selected }: { selected: string }) {
  const regions = listHolidayRegions()
  const known = regions.some((r) => r.code === selected)
  return (
    <>
      <option value="">No public holidays</option>
      {selected && !known ? (
        <option value={selected} selected>
          {selected}
        </option>
      ) : null}
      {regions.map((r) => (
        <option value={r.code} selected={r.code === selected}>
          {r.name} ({r.code})
        </option>
      ))}
    </>
  )
}

/** The form. Errors are in `form.errors`, values exactly as typed in `form.values`. */
export function PracticeFormView({
  action,
  csrfToken,
  form,
  submitLabel,
  promiseOptional,
}: PracticeFormViewProps) {
  const { values, errors, understood } = form
  const zones = listTimeZones()
  const described = (field: string, hint: string) =>
    errors[field as keyof typeof errors] ? `${field}-error ${hint}` : hint
  return (
    <form method="post" action={action} class="stack setup-form" novalidate>
      <CsrfField token={csrfToken} />
      <label>
        Name
        <input
          type="text"
          name="name"
          required
          maxlength={200}
          value={values.name}
          aria-invalid={errors.name ? 'true' : undefined}
          aria-describedby={errors.name ? 'name-error' : undefined}
        />
        <FieldError id="name-error" message={errors.name} />
      </label>
      <div class="row">
        <label>
          Time zone
          <select
            name="time_zone"
            required
            aria-invalid={errors.timeZone ? 'true' : undefined}
            aria-describedby={errors.timeZone ? 'timeZone-error' : undefined}
          >
            <option value="">Pick a time zone…</option>
            {values.timeZone && !zones.includes(values.timeZone) ? (
              <option value={values.timeZone} selected>
                {values.timeZone}
              </option>
            ) : null}
            {zones.map((z) => (
              <option value={z} selected={z === values.timeZone}>
                {z}
              </option>
            ))}
          </select>
          <FieldError id="timeZone-error" message={errors.timeZone} />
        </label>
        <label>
          Public holidays
          <select
            name="holiday_region"
            aria-invalid={errors.holidayRegion ? 'true' : undefined}
            aria-describedby={errors.holidayRegion ? 'holidayRegion-error' : undefined}
          >
            <HolidayOptions selected={values.holidayRegion} />
          </select>
          <FieldError id="holidayRegion-error" message={errors.holidayRegion} />
        </label>
      </div>
      <label>
        Opening hours
        <input
          type="text"
          name="hours"
          required
          maxlength={2000}
          value={values.hours}
          placeholder="mon-fri 08:00-18:00; sat 09:00-12:00"
          aria-invalid={errors.hours ? 'true' : undefined}
          aria-describedby={described('hours', 'hours-hint')}
        />
        <span class="muted small" id="hours-hint">
          Days and times, groups separated by “;”. A lunch break:{' '}
          <code>mon-fri 08:00-12:30 13:30-18:00</code>.
        </span>
        <FieldError id="hours-error" message={errors.hours} />
        <Understood text={understood.hours} />
      </label>
      <label>
        Response promise
        <input
          type="text"
          name="promise"
          required={!promiseOptional}
          maxlength={2000}
          value={values.promise}
          placeholder="2 business hours, reviews within 1 business day"
          aria-invalid={errors.promise ? 'true' : undefined}
          aria-describedby={described('promise', 'promise-hint')}
        />
        <span class="muted small" id="promise-hint">
          The first clause without a subject applies to everything else; clauses like “reviews
          within 1 business day” or “messages within 30 minutes” win for what they name.
          {promiseOptional
            ? ' Leave empty to keep the current promise (detailed targets are edited under Settings).'
            : ''}
        </span>
        <FieldError id="promise-error" message={errors.promise} />
        <Understood text={understood.promise} />
      </label>
      <label>
        Public statement (optional)
        <input
          type="text"
          name="statement"
          maxlength={500}
          value={values.statement}
          placeholder="We reply to every message within 2 business hours"
        />
        <FieldError id="statement-error" message={errors.statement} />
      </label>
      <div class="row">
        <label>
          Phone (optional)
          <input
            type="tel"
            name="phone"
            maxlength={40}
            value={values.phone}
            placeholder="(02) 9000 0000"
            aria-invalid={errors.phone ? 'true' : undefined}
            aria-describedby={errors.phone ? 'phone-error' : undefined}
          />
          <FieldError id="phone-error" message={errors.phone} />
        </label>
        <label>
          Booking link (optional)
          <input
            type="url"
            name="booking_url"
            maxlength={500}
            value={values.bookingUrl}
            placeholder="https://example.org/book"
            aria-invalid={errors.bookingUrl ? 'true' : undefined}
            aria-describedby={errors.bookingUrl ? 'bookingUrl-error' : undefined}
          />
          <FieldError id="bookingUrl-error" message={errors.bookingUrl} />
        </label>
      </div>
      <p class="muted small">Phone and booking link fill in saved replies; both are public.</p>
      <div class="button-row">
        <button type="submit" name="intent" value="check" class="secondary">
          Check what Earshot understands
        </button>
        <button type="submit" name="intent" value="save">
          {submitLabel}
        </button>
      </div>
    </form>
  )
}
