/**
 * @module Who may set what up. Agency admins run the organisation (practices, users, the action
 * log); practice managers change their own practices and channels; viewers change nothing.
 * Every user manages their own API tokens (a token acts as its user, so a viewer's is read-only).
 */
import type { AuthState } from '../http/dashboard-env.js'
import { HttpError } from '../http/http-errors.js'

/** Whether the user runs the whole organisation. */
export function isAgencyAdmin(auth: AuthState): boolean {
  return auth.user.role === 'agency_admin'
}

/** Throws 403 unless the user is an agency admin. */
export function assertAgencyAdmin(auth: AuthState): void {
  if (!isAgencyAdmin(auth)) throw new HttpError('FORBIDDEN', 'only an agency admin may do this')
}

/**
 * Set-up pages answer signed-in people only: an API token (which acts for a script) may not
 * make more tokens, invite users or change channels.
 */
export function assertSignedInPerson(auth: AuthState): void {
  if (auth.via !== 'session')
    throw new HttpError('FORBIDDEN', 'set-up pages need a signed-in session, not an API token')
}
