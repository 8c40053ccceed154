import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SmtpTestServer, startSmtpTestServer } from '../test-support/smtp-test-server.js'
import { createSmtpMailSender, smtpConfigFromEnv } from './smtp-mail-sender.js'

describe('SMTP mail sender', () => {
  let smtp: SmtpTestServer
  beforeAll(async () => {
    smtp = await startSmtpTestServer()
  })
  afterAll(async () => {
    await smtp.close()
  })

  it('delivers text, HTML, an attachment and an inline image to a real SMTP server', async () => {
    const sender = createSmtpMailSender({ url: smtp.url, from: 'Earshot <alerts@clinic.test>' })
    const receipt = await sender.send({
      to: ['manager@clinic.test'],
      subject: 'Weekly report',
      text: 'Plain part',
      html: '<p>HTML part</p><img src="cid:chart-1">',
      attachments: [
        { filename: 'rows.csv', content: 'a,b\n1,2\n', contentType: 'text/csv' },
        {
          filename: 'chart.png',
          content: Buffer.from([137, 80, 78, 71]),
          contentType: 'image/png',
          cid: 'chart-1',
        },
      ],
    })
    await sender.close()
    expect(receipt.accepted).toEqual(['manager@clinic.test'])
    const mail = await smtp.nextMessage()
    expect(mail.envelope.to).toEqual(['manager@clinic.test'])
    expect(mail.parsed.subject).toBe('Weekly report')
    expect(mail.parsed.text?.trim()).toBe('Plain part')
    expect(mail.parsed.html).toContain('<p>HTML part</p>')
    const names = mail.parsed.attachments.map((a) => a.filename).sort()
    expect(names).toEqual(['chart.png', 'rows.csv'])
    expect(mail.parsed.attachments.find((a) => a.filename === 'chart.png')?.cid).toBe('chart-1')
  })

  it('rejects when the server refuses the message', async () => {
    const sender = createSmtpMailSender({ url: smtp.url, from: 'alerts@clinic.test' })
    smtp.rejectNext(1)
    await expect(sender.send({ to: ['x@clinic.test'], subject: 's', text: 't' })).rejects.toThrow(
      /Mailbox unavailable|550/,
    )
    await sender.close()
  })

  it('reads its settings from the environment, and is off without EARSHOT_SMTP_URL', () => {
    expect(smtpConfigFromEnv({})).toBeUndefined()
    expect(
      smtpConfigFromEnv({
        EARSHOT_SMTP_URL: 'smtp://u:p@mail.test:587',
        EARSHOT_MAIL_FROM: 'a@b.test',
      }),
    ).toEqual({
      url: 'smtp://u:p@mail.test:587',
      from: 'a@b.test',
      allowInvalidCertificates: false,
    })
  })
})
