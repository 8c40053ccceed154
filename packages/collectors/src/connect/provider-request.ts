/**
 * @module One call to an OAuth provider or its account API: send, read JSON, and either
 * validate the answer with zod or turn the error body into a {@link ConnectError} in words.
 * No retries: an authorisation code is single-use, so a blind retry can only fail worse.
 * URLs are never put in messages (Meta puts tokens in query strings).
 */
import type { z } from 'zod'
import { ConnectError } from './connect-flow.js'

/** Options shared by the flows. */
export interface ProviderRequestOptions {
  /** Default: global fetch. */
  fetch?: typeof globalThis.fetch
}

/** Maps an error answer to a ConnectError (or undefined for the generic one). */
export type ProviderErrorMapper = (status: number, json: unknown) => ConnectError | undefined

/**
 * Calls `url` and returns the validated body.
 *
 * @param what - what the call does, for messages ("list your Facebook Pages")
 */
export async function providerRequest<S extends z.ZodType>(
  provider: string,
  what: string,
  url: string,
  init: RequestInit,
  schema: S,
  mapError: ProviderErrorMapper,
  options: ProviderRequestOptions = {},
): Promise<z.output<S>> {
  const fetch = options.fetch ?? globalThis.fetch
  let response: Response
  try {
    response = await fetch(url, { ...init, redirect: 'manual' })
  } catch {
    throw new ConnectError(
      'provider_error',
      `Could not reach ${provider} to ${what}; try again in a minute.`,
    )
  }
  const text = await response.text()
  let json: unknown
  try {
    json = text === '' ? undefined : JSON.parse(text)
  } catch {
    json = undefined
  }
  if (!response.ok) {
    throw (
      mapError(response.status, json) ??
      new ConnectError(
        'provider_error',
        `${provider} refused to ${what} (HTTP ${response.status}); try again, or reconnect.`,
      )
    )
  }
  const parsed = schema.safeParse(json)
  if (!parsed.success)
    throw new ConnectError(
      'provider_error',
      `${provider} answered in an unexpected shape when asked to ${what}.`,
    )
  return parsed.data
}

/** A form-encoded POST body. */
export function formBody(fields: Record<string, string | undefined>): URLSearchParams {
  const body = new URLSearchParams()
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) body.set(k, v)
  return body
}
