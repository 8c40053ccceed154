/**
 * @module What an API token may do. `read` covers every safe request (GET, HEAD), `write` every
 * change to data (overrides, replies), `admin` administrative changes (users, tokens, settings)
 * on the routes that ask for it with `requireTokenScope('admin')`. A token never does more than
 * its user's role allows: scopes only narrow it.
 */
import { z } from 'zod'

export const API_TOKEN_SCOPES = ['read', 'write', 'admin'] as const
export type ApiTokenScope = (typeof API_TOKEN_SCOPES)[number]

export const apiTokenScopeSchema = z.enum(API_TOKEN_SCOPES)

/** Tokens live 90 days unless asked otherwise, and never longer than a year. */
export const DEFAULT_TOKEN_DAYS = 90
export const MAX_TOKEN_DAYS = 366

/**
 * The stored form of a requested scope list: deduplicated, in canonical order, and with `read`
 * added when anything is granted (a token that may change something may also look at it).
 *
 * @example
 * normaliseScopes(['write']) // ['read', 'write']
 */
export function normaliseScopes(scopes: readonly ApiTokenScope[]): ApiTokenScope[] {
  const wanted = new Set<ApiTokenScope>(scopes)
  if (wanted.size > 0) wanted.add('read')
  return API_TOKEN_SCOPES.filter((s) => wanted.has(s))
}

/** Parses `read,write` (as typed on the command line or sent by a form); throws on unknown names. */
export function parseScopeList(text: string): ApiTokenScope[] {
  const names = text
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean)
  return names.map((name) => apiTokenScopeSchema.parse(name))
}

/** The scope an HTTP method needs from a token: reading for safe methods, writing otherwise. */
export function scopeForMethod(method: string): ApiTokenScope {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS' ? 'read' : 'write'
}

/** Stored scopes as read back from the database (anything unknown is dropped, never granted). */
export function scopesFromRow(value: unknown): ApiTokenScope[] {
  if (!Array.isArray(value)) return []
  return API_TOKEN_SCOPES.filter((s) => value.includes(s))
}
