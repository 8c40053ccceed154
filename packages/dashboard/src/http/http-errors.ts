/**
 * @module The one table of the dashboard's HTTP error codes (code → status and default
 * message), the error routes throw, and the one JSON shape every API and webhook error answers
 * in: `{ "error": { "code", "message", "issues"? } }`. Pages render the same code's title.
 */
import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { EarshotErrorCode } from '../core.js'

/**
 * Every error code the HTTP layer answers with. Core's {@link EarshotErrorCode}s are all here
 * too (a type check below keeps it so), so a core error keeps its code on the wire.
 */
export const HTTP_ERRORS = {
  INVALID_INPUT: { status: 400, message: 'That request is not valid' },
  INVALID_CONFIGURATION: { status: 400, message: 'That configuration is not consistent' },
  UNAUTHENTICATED: { status: 401, message: 'Please sign in' },
  SIGNATURE_INVALID: { status: 401, message: 'The request signature does not verify' },
  FORBIDDEN: { status: 403, message: 'Not allowed' },
  NOT_FOUND: { status: 404, message: 'Not found' },
  CONFLICT: { status: 409, message: 'That conflicts with the current state' },
  TOO_LARGE: { status: 413, message: 'Too large' },
  RATE_LIMITED: { status: 429, message: 'Too many requests' },
  INTERNAL: {
    status: 500,
    message: 'Something went wrong on our side. It has been logged; please try again.',
  },
  AUTH_EXPIRED: { status: 502, message: 'The platform refused our credentials' },
  UPSTREAM: { status: 502, message: 'A platform or network call failed' },
  DATABASE_UNAVAILABLE: { status: 503, message: 'The database is not reachable; try again soon' },
  OVERLOADED: { status: 503, message: 'The server is busy; try again in a moment' },
} as const satisfies Record<string, { status: ContentfulStatusCode; message: string }>

export type HttpErrorCode = keyof typeof HTTP_ERRORS

/** Every code, for the OpenAPI document. */
export const HTTP_ERROR_CODES = Object.keys(HTTP_ERRORS) as HttpErrorCode[]

// Compile-time guard: a core error code missing from the table is a type error here.
const coreCodesCovered: Record<EarshotErrorCode, unknown> = HTTP_ERRORS
void coreCodesCovered

/** One problem with an input, for `error.issues`. */
export interface HttpErrorIssue {
  path: string
  message: string
}

/** The JSON body of every API and webhook error. */
export interface HttpErrorBody {
  error: { code: HttpErrorCode; message: string; issues?: HttpErrorIssue[] }
}

/** An error a route throws: its status comes from the table. */
export class HttpError extends HTTPException {
  readonly code: HttpErrorCode
  readonly issues?: HttpErrorIssue[]

  constructor(code: HttpErrorCode, message?: string, issues?: HttpErrorIssue[]) {
    super(HTTP_ERRORS[code].status, { message: message ?? HTTP_ERRORS[code].message })
    this.code = code
    if (issues) this.issues = issues
  }
}

/** A 400 listing every issue (joined into the message as well). */
export function invalidInput(issues: HttpErrorIssue[]): HttpError {
  return new HttpError(
    'INVALID_INPUT',
    issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; '),
    issues,
  )
}

/** The code for a status that came without one (a plain HTTPException, a webhook handler). */
export function codeForStatus(status: number): HttpErrorCode {
  for (const [code, entry] of Object.entries(HTTP_ERRORS) as [HttpErrorCode, { status: number }][])
    if (entry.status === status) return code
  return status >= 500 ? 'INTERNAL' : 'INVALID_INPUT'
}

/** The error body for a code (default message from the table). */
export function errorBody(
  code: HttpErrorCode,
  message?: string,
  issues?: HttpErrorIssue[],
): HttpErrorBody {
  return {
    error: {
      code,
      message: message || HTTP_ERRORS[code].message,
      ...(issues?.length ? { issues } : {}),
    },
  }
}

/** Answers an error in the one JSON shape, with the code's status. */
export function errorJson(
  c: Context,
  code: HttpErrorCode,
  message?: string,
  issues?: HttpErrorIssue[],
): Response {
  return c.json(errorBody(code, message, issues), HTTP_ERRORS[code].status)
}
