/**
 * @module A real SMTP server on loopback for tests (the `smtp-server` package speaking the SMTP
 * protocol over TCP), which parses every message it accepts with `mailparser` so a test can read
 * back exactly what a recipient would get. Waiting is event-driven (`nextMessage`), never timed.
 */
import type { AddressInfo } from 'node:net'
import { type ParsedMail, simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'

export interface ReceivedMail {
  envelope: { from: string; to: string[] }
  parsed: ParsedMail
  raw: Buffer
}

export interface SmtpTestServer {
  /** `smtp://user:pass@127.0.0.1:<port>` for `createSmtpMailSender`. */
  url: string
  received: ReceivedMail[]
  /** Resolves with the next message (or one already received and not yet taken). */
  nextMessage(): Promise<ReceivedMail>
  /** Makes the server refuse the next `count` messages with a 5xx, to test failure paths. */
  rejectNext(count: number): void
  close(): Promise<void>
}

export async function startSmtpTestServer(): Promise<SmtpTestServer> {
  const received: ReceivedMail[] = []
  const waiting: ((mail: ReceivedMail) => void)[] = []
  let taken = 0
  let toReject = 0
  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(_auth, _session, callback) {
      callback(null, { user: 'test' })
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        if (toReject > 0) {
          toReject -= 1
          const error = Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 })
          callback(error)
          return
        }
        const raw = Buffer.concat(chunks)
        simpleParser(raw)
          .then((parsed) => {
            const from = session.envelope.mailFrom
            const mail: ReceivedMail = {
              envelope: {
                from: from ? from.address : '',
                to: session.envelope.rcptTo.map((r) => r.address),
              },
              parsed,
              raw,
            }
            const waiter = waiting.shift()
            if (waiter) {
              taken += 1
              waiter(mail)
            }
            received.push(mail)
            callback()
          })
          .catch((error: Error) => callback(error))
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.server.address() as AddressInfo
  return {
    url: `smtp://test:secret@127.0.0.1:${port}`,
    received,
    nextMessage() {
      const ready = received[taken]
      if (ready) {
        taken += 1
        return Promise.resolve(ready)
      }
      return new Promise((resolve) => waiting.push(resolve))
    },
    rejectNext(count) {
      toReject = count
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
