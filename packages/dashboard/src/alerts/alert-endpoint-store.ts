/**
 * @module Alert endpoints at rest. A chat webhook URL is itself the credential, and a signing
 * secret must be readable to sign, so both are sealed with core's keyring (AES-256-GCM under
 * `EARSHOT_SECRET_KEY`) and opened only by the deliverer; pages show a redacted form. E-mail
 * addresses are stored as written.
 */
import { randomUUID } from 'node:crypto'
import { type Database, type Keyring, openSecret, processKeyring, sealSecret } from '@earshot/core'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import { ENDPOINT_KINDS, type EndpointKind, newWebhookSecret } from './alert-channels.js'
import { ALERT_RULES } from './alert-rules.js'
import { alertsDb } from './alert-tables.js'

const SEALED_PREFIX = 'sealed:v1:'

export function sealValue(keyring: Keyring, plaintext: string): string {
  const s = sealSecret(keyring, plaintext)
  return `${SEALED_PREFIX}${s.keyId}:${s.ciphertext}`
}

/** Opens a sealed value; a value stored in clear (written by hand or by a test) passes through. */
export function openValue(keyring: Keyring | (() => Keyring), stored: string): string {
  if (!stored.startsWith(SEALED_PREFIX)) return stored
  if (typeof keyring === 'function') keyring = keyring()
  const rest = stored.slice(SEALED_PREFIX.length)
  const colon = rest.indexOf(':')
  return openSecret(keyring, { keyId: rest.slice(0, colon), ciphertext: rest.slice(colon + 1) })
}

const emails = z
  .string()
  .trim()
  .min(3)
  .max(1000)
  .refine(
    (s) => s.split(',').every((a) => z.string().trim().email().safeParse(a.trim()).success),
    'must be one or more e-mail addresses, comma separated',
  )
const httpUrl = z
  .string()
  .trim()
  .url()
  .max(2000)
  .refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL')

export const endpointInputSchema = z
  .object({
    organisationId: z.string().min(1),
    practiceId: z.string().min(1).nullable(),
    kind: z.enum(ENDPOINT_KINDS),
    name: z.string().trim().min(1).max(100),
    target: z.string(),
    rules: z.array(z.enum(ALERT_RULES)).default([]),
    onCall: z.boolean().default(false),
    digestMinutes: z
      .number()
      .int()
      .min(0)
      .max(24 * 60)
      .default(0),
  })
  .superRefine((v, ctx) => {
    const check = v.kind === 'email' ? emails : httpUrl
    const r = check.safeParse(v.target)
    if (!r.success)
      ctx.addIssue({
        code: 'custom',
        path: ['target'],
        message: r.error.issues[0]?.message ?? 'invalid',
      })
  })
export type EndpointInput = z.input<typeof endpointInputSchema>

export interface CreatedEndpoint {
  id: string
  /** Shown once: the Standard Webhooks signing secret (webhook endpoints only). */
  signingSecret?: string
}

export async function createAlertEndpoint(
  db: Kysely<Database>,
  input: EndpointInput,
  options: { now: Date; keyring?: Keyring },
): Promise<CreatedEndpoint> {
  const v = endpointInputSchema.parse(input)
  const keyring = options.keyring ?? processKeyring()
  const id = `ep_${randomUUID()}`
  const signingSecret = v.kind === 'webhook' ? newWebhookSecret() : undefined
  await alertsDb(db)
    .insertInto('alert_endpoints')
    .values({
      organisation_id: v.organisationId,
      id,
      practice_id: v.practiceId,
      kind: v.kind,
      name: v.name,
      target: v.kind === 'email' ? v.target.trim() : sealValue(keyring, v.target.trim()),
      secret: signingSecret ? sealValue(keyring, signingSecret) : null,
      rules: JSON.stringify(v.rules),
      on_call: v.onCall,
      digest_minutes: v.digestMinutes,
      created_at: options.now,
    })
    .execute()
  return { id, ...(signingSecret ? { signingSecret } : {}) }
}

export interface EndpointSummary {
  id: string
  practiceId: string | null
  kind: EndpointKind
  name: string
  /** E-mail addresses, or the URL's scheme and host only. */
  display: string
  rules: string[]
  onCall: boolean
  digestMinutes: number
  enabled: boolean
}

export async function listAlertEndpoints(
  db: Kysely<Database>,
  organisationId: string,
  practiceIds: readonly string[] | 'all',
  keyring?: Keyring,
): Promise<EndpointSummary[]> {
  let q = alertsDb(db)
    .selectFrom('alert_endpoints')
    .selectAll()
    .where('organisation_id', '=', organisationId)
  if (practiceIds !== 'all') {
    if (practiceIds.length === 0) return []
    q = q.where('practice_id', 'in', [...practiceIds])
  }
  const rows = await q.orderBy('created_at').orderBy('id').execute()
  return rows.map((r) => {
    let display = r.target
    if (r.kind !== 'email') {
      try {
        const u = new URL(openValue(keyring ?? processKeyring, r.target))
        display = `${u.protocol}//${u.host}/…`
      } catch {
        display = '(sealed with a key this process does not have)'
      }
    }
    return {
      id: r.id,
      practiceId: r.practice_id,
      kind: r.kind as EndpointKind,
      name: r.name,
      display,
      rules: r.rules,
      onCall: r.on_call,
      digestMinutes: r.digest_minutes,
      enabled: r.enabled,
    }
  })
}

export async function deleteAlertEndpoint(
  db: Kysely<Database>,
  organisationId: string,
  id: string,
  practiceIds: readonly string[] | 'all',
): Promise<boolean> {
  let q = alertsDb(db)
    .deleteFrom('alert_endpoints')
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
  if (practiceIds !== 'all') {
    if (practiceIds.length === 0) return false
    q = q.where('practice_id', 'in', [...practiceIds])
  }
  const r = await q.executeTakeFirst()
  return Number(r.numDeletedRows) > 0
}
