/**
 * @module The one mail transport every part of the dashboard uses (invitations, password resets,
 * alerts, scheduled reports). An interface, because there are several implementations: SMTP in
 * production and tests, a recording sender where a caller only needs to know what would be sent.
 */

/** A file attached to a message, or an inline image referenced from the HTML as `cid:<cid>`. */
export interface MailAttachment {
  filename: string
  content: Buffer | string
  contentType: string
  /** Set for inline images: the HTML part refers to it as `<img src="cid:…">`. */
  cid?: string
}

export interface MailMessage {
  to: readonly string[]
  subject: string
  /** The plain-text part; always present so every client can read the message. */
  text: string
  html?: string
  attachments?: readonly MailAttachment[]
  /** Extra headers, e.g. `List-Unsubscribe`. */
  headers?: Readonly<Record<string, string>>
}

export interface MailReceipt {
  /** The Message-ID the transport assigned. */
  messageId: string
  accepted: readonly string[]
  rejected: readonly string[]
}

export interface MailSender {
  /** Sends one message; rejects when the server refuses it (callers decide whether to retry). */
  send(message: MailMessage): Promise<MailReceipt>
  /** Releases pooled connections. */
  close(): Promise<void>
}

/** A sender that keeps what it was asked to send: for dry runs and `earshot … --print-mail`. */
export function createRecordingMailSender(): MailSender & { readonly sent: MailMessage[] } {
  const sent: MailMessage[] = []
  let counter = 0
  return {
    sent,
    async send(message) {
      sent.push(message)
      counter += 1
      return {
        messageId: `<recorded-${counter}@earshot.local>`,
        accepted: [...message.to],
        rejected: [],
      }
    },
    async close() {},
  }
}
