/**
 * @module SMTP delivery through nodemailer. Configured from the environment (`EARSHOT_SMTP_URL`,
 * `EARSHOT_MAIL_FROM`) or explicitly; the URL's password never reaches a log or an error message.
 */
import nodemailer from 'nodemailer'
import { z } from 'zod'
import type { MailMessage, MailReceipt, MailSender } from './mail-sender.js'

export const smtpConfigSchema = z.object({
  /** `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://…:465` (TLS from the start). */
  url: z
    .string()
    .url()
    .refine((u) => /^smtps?:\/\//.test(u), 'must start with smtp:// or smtps://'),
  /** The From address, e.g. `Earshot <alerts@clinic.example>`. */
  from: z.string().min(3),
  /** Accept self-signed certificates (a relay on the same host); off by default. */
  allowInvalidCertificates: z.boolean().default(false),
})
export type SmtpConfig = z.input<typeof smtpConfigSchema>

/** Reads SMTP settings from the environment; `undefined` when mail is not configured. */
export function smtpConfigFromEnv(env: NodeJS.ProcessEnv = process.env): SmtpConfig | undefined {
  const url = env.EARSHOT_SMTP_URL
  if (!url) return undefined
  return {
    url,
    from: env.EARSHOT_MAIL_FROM ?? 'Earshot <earshot@localhost>',
    allowInvalidCertificates: env.EARSHOT_SMTP_INSECURE_TLS === '1',
  }
}

export function createSmtpMailSender(config: SmtpConfig): MailSender {
  const parsed = smtpConfigSchema.parse(config)
  const transport = nodemailer.createTransport(parsed.url, {
    from: parsed.from,
    ...(parsed.allowInvalidCertificates ? { tls: { rejectUnauthorized: false } } : {}),
  })
  return {
    async send(message: MailMessage): Promise<MailReceipt> {
      const info = await transport.sendMail({
        from: parsed.from,
        to: [...message.to],
        subject: message.subject,
        text: message.text,
        ...(message.html ? { html: message.html } : {}),
        ...(message.headers ? { headers: { ...message.headers } } : {}),
        ...(message.attachments
          ? {
              attachments: message.attachments.map((a) => ({
                filename: a.filename,
                content: a.content,
                contentType: a.contentType,
                ...(a.cid ? { cid: a.cid } : {}),
              })),
            }
          : {}),
      })
      return {
        messageId: String(info.messageId),
        accepted: (info.accepted ?? []).map(String),
        rejected: (info.rejected ?? []).map(String),
      }
    },
    async close() {
      transport.close()
    },
  }
}
