/**
 * @module The two account e-mails: an invitation to set a password, and a password reset. Plain
 * text first (every client reads it), with an escaped HTML part. The link is the only secret in
 * them and is never logged.
 */
import { escapeHtml } from '../alerts/escape-html.js'
import type { MailMessage } from '../mail/mail-sender.js'
import type { AccountLinkPurpose } from './account-links.js'

export interface AccountMailInput {
  to: string
  name: string
  organisationName: string
  purpose: AccountLinkPurpose
  /** The full link, secret included. */
  url: string
  expiresAt: Date
  /** Who sent the invitation (invitations only). */
  invitedBy?: string
}

/** The link a person follows to set their password. */
export function accountLinkUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/account/password?token=${encodeURIComponent(token)}`
}

/** The message for an invitation or a reset. */
export function accountMail(input: AccountMailInput): MailMessage {
  const expires = input.expiresAt.toISOString().replace('T', ' ').slice(0, 16)
  const invite = input.purpose === 'invite'
  const subject = invite
    ? `You are invited to Earshot (${input.organisationName})`
    : 'Reset your Earshot password'
  const lead = invite
    ? `${input.invitedBy ?? 'An administrator'} invited you to Earshot for ${input.organisationName}, to see and answer what your patients say online.`
    : 'Someone (hopefully you) asked to reset the password of your Earshot account.'
  const action = invite ? 'Set your password' : 'Choose a new password'
  const tail = invite
    ? 'If you did not expect this, ignore this e-mail: nothing happens until the link is used.'
    : 'If you did not ask for this, ignore this e-mail: your password stays as it is.'
  const text = [
    `Hello ${input.name},`,
    '',
    lead,
    '',
    `${action} (the link works once, until ${expires} UTC):`,
    input.url,
    '',
    tail,
  ].join('\n')
  const html = `<p>Hello ${escapeHtml(input.name)},</p>
<p>${escapeHtml(lead)}</p>
<p><a href="${escapeHtml(input.url)}">${escapeHtml(action)}</a> (the link works once, until ${escapeHtml(expires)} UTC).</p>
<p>${escapeHtml(tail)}</p>`
  return { to: [input.to], subject, text, html }
}
