/**
 * @module Inviting users and resetting passwords. An invited user exists at once (so an admin
 * sees them, with their role) with a random password nobody knows; the mailed link sets the real
 * one. A reset request gives the same answer whether or not the e-mail has an account, and is
 * rate limited per e-mail and per client address in the database.
 */
import { getOrganisation, ROLES } from '@earshot/core'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import { recordUserAction } from '../audit/user-actions.js'
import { createUser } from '../auth/create-user.js'
import { createDatabaseLoginLimiter } from '../auth/database-login-limiter.js'
import { randomSecret } from '../auth/secret-token.js'
import type { Database } from '../core.js'
import type { MailSender } from '../mail/mail-sender.js'
import { issueAccountLink } from './account-links.js'
import { accountLinkUrl, accountMail } from './account-mail.js'

export const inviteInputSchema = z.object({
  email: z.email('type an e-mail address like ana@clinic.example').max(320),
  name: z.string().trim().min(1, 'type the person’s name').max(200),
  role: z.enum(ROLES, 'pick a role'),
  /** Practices a manager or viewer may see; ignored for agency admins. */
  practiceIds: z.array(z.string().min(1)).default([]),
})
export type InviteInput = z.input<typeof inviteInputSchema>

export interface InviteContext {
  db: Kysely<Database>
  mail: MailSender | undefined
  publicUrl: string
  now: Date
  organisationId: string
  /** Who invites (null from the CLI). */
  invitedBy: { id: string; name: string } | null
  via: 'dashboard' | 'cli'
}

/** What happened; `url` is returned so it can be shown when there is no mail (or it failed). */
export interface InviteOutcome {
  userId: string
  url: string
  expiresAt: Date
  mailed: boolean
  /** Why the mail did not go (in words, never the SMTP URL). */
  mailError?: string
}

/** Sends an account mail; the error in words when it fails. */
async function trySend(
  mail: MailSender | undefined,
  message: ReturnType<typeof accountMail>,
): Promise<{ mailed: boolean; mailError?: string }> {
  if (!mail) return { mailed: false, mailError: 'no mail server is configured (EARSHOT_SMTP_URL)' }
  try {
    await mail.send(message)
    return { mailed: true }
  } catch (error) {
    const code = (error as { responseCode?: number }).responseCode
    return {
      mailed: false,
      mailError: code
        ? `the mail server refused it (${code})`
        : 'the mail server could not be reached',
    }
  }
}

/**
 * Invites a user: creates them, issues the invitation link, logs it, and mails it. Validation
 * and duplicate e-mails throw core's INVALID_INPUT / NOT_FOUND errors with the reason.
 */
export async function inviteUser(ctx: InviteContext, input: InviteInput): Promise<InviteOutcome> {
  const u = inviteInputSchema.parse(input)
  const { user, link } = await ctx.db.transaction().execute(async (trx) => {
    const user = await createUser(trx, {
      organisationId: ctx.organisationId,
      email: u.email,
      name: u.name,
      // Nobody knows it; the invitation link replaces it.
      password: randomSecret(),
      role: u.role,
      practiceIds: u.role === 'agency_admin' ? [] : u.practiceIds,
    })
    const link = await issueAccountLink(
      trx,
      {
        organisationId: ctx.organisationId,
        userId: user.id,
        purpose: 'invite',
        createdBy: ctx.invitedBy?.id ?? null,
      },
      ctx.now,
    )
    await recordUserAction(
      trx,
      {
        organisationId: ctx.organisationId,
        userId: ctx.invitedBy?.id ?? null,
        action: 'user.invited',
        targetType: 'user',
        targetId: user.id,
        detail: { via: ctx.via, email: u.email, role: u.role, practiceIds: user.practiceIds },
      },
      ctx.now,
    )
    return { user, link }
  })
  return { userId: user.id, ...(await sendInvitation(ctx, user, link)) }
}

/** Mails an invitation link that was just issued. */
async function sendInvitation(
  ctx: InviteContext,
  user: { email: string; name: string },
  link: { token: string; expiresAt: Date },
): Promise<Omit<InviteOutcome, 'userId'>> {
  const organisation = await getOrganisation(ctx.db, ctx.organisationId)
  const url = accountLinkUrl(ctx.publicUrl, link.token)
  const sent = await trySend(
    ctx.mail,
    accountMail({
      to: user.email,
      name: user.name,
      organisationName: organisation?.name ?? '',
      purpose: 'invite',
      url,
      expiresAt: link.expiresAt,
      ...(ctx.invitedBy ? { invitedBy: ctx.invitedBy.name } : {}),
    }),
  )
  return { url, expiresAt: link.expiresAt, ...sent }
}

/** Issues a fresh invitation for a user who has not accepted yet (the old link stops working). */
export async function resendInvitation(
  ctx: InviteContext,
  user: { id: string; email: string; name: string },
): Promise<InviteOutcome> {
  const link = await issueAccountLink(
    ctx.db,
    {
      organisationId: ctx.organisationId,
      userId: user.id,
      purpose: 'invite',
      createdBy: ctx.invitedBy?.id ?? null,
    },
    ctx.now,
  )
  await recordUserAction(
    ctx.db,
    {
      organisationId: ctx.organisationId,
      userId: ctx.invitedBy?.id ?? null,
      action: 'user.invited',
      targetType: 'user',
      targetId: user.id,
      detail: { via: ctx.via, email: user.email, resent: true },
    },
    ctx.now,
  )
  return { userId: user.id, ...(await sendInvitation(ctx, user, link)) }
}

/** Reset requests allowed per e-mail and per client address in an hour. */
export const RESET_LIMITS = { perAccount: 3, perAddress: 20, windowMs: 3600 * 1000 } as const

export interface ResetContext {
  db: Kysely<Database>
  mail: MailSender | undefined
  publicUrl: string
  now: Date
}

/**
 * Handles "forgot password". The rate limit is checked at once; when admitted, `delivery` looks
 * the e-mail up and, if it has an account, issues and mails a reset link. Callers answer without
 * awaiting `delivery`, so neither the answer nor its timing says whether the account exists;
 * only `limited` (too many requests from this address or for this e-mail) changes the answer.
 */
export async function requestPasswordReset(
  ctx: ResetContext,
  email: string,
  clientAddress: string,
): Promise<{ limited: false; delivery: Promise<void> } | { limited: true; retryAfterMs: number }> {
  // The login limiter's table with keys of their own, so resets never eat into sign-in attempts.
  const limiter = createDatabaseLoginLimiter(ctx.db, RESET_LIMITS)
  const key = email.trim().toLowerCase()
  const admission = await limiter.admit(`reset:${key}`, `reset:${clientAddress}`, ctx.now)
  if (!admission.admitted) return { limited: true, retryAfterMs: admission.retryAfterMs }
  const delivery = deliverReset(ctx, key).catch((error: unknown) => {
    // Never the address or the link: only that a reset could not be prepared.
    console.error('[dashboard] password reset failed:', (error as Error).name)
  })
  return { limited: false, delivery }
}

async function deliverReset(ctx: ResetContext, email: string): Promise<void> {
  const user = await ctx.db
    .selectFrom('users')
    .innerJoin('organisations', 'organisations.id', 'users.organisation_id')
    .select([
      'users.organisation_id',
      'users.id',
      'users.email',
      'users.name',
      'organisations.name as org',
    ])
    .where((eb) => eb(eb.fn('lower', ['users.email']), '=', email))
    .executeTakeFirst()
  if (!user) return
  const link = await issueAccountLink(
    ctx.db,
    { organisationId: user.organisation_id, userId: user.id, purpose: 'reset', createdBy: null },
    ctx.now,
  )
  await recordUserAction(
    ctx.db,
    {
      organisationId: user.organisation_id,
      userId: user.id,
      action: 'user.password_reset',
      targetType: 'user',
      targetId: user.id,
      detail: { step: 'requested' },
    },
    ctx.now,
  )
  const sent = await trySend(
    ctx.mail,
    accountMail({
      to: user.email,
      name: user.name,
      organisationName: user.org,
      purpose: 'reset',
      url: accountLinkUrl(ctx.publicUrl, link.token),
      expiresAt: link.expiresAt,
    }),
  )
  // Never the address or the link: only that a reset mail could not go out.
  if (!sent.mailed) console.error('[dashboard] password reset mail not sent:', sent.mailError)
}
