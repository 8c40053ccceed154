import { describe, expect, it } from 'vitest'
import { signStandardWebhook } from './alert-channels.js'
import { buildAlertContent, dueText } from './alert-content.js'
import { emergencyNumberFor } from './emergency-numbers.js'

const NOW = new Date('2026-12-02T00:00:00Z')
const base = {
  id: 'al_1',
  rule: 'sla_at_risk' as const,
  practiceName: 'Harbour GP',
  holidayRegion: 'AU-NSW',
  mentionId: 'm1',
  dueAt: new Date(NOW.getTime() + 25 * 60_000),
  createdAt: NOW,
  detail: { platform: 'facebook', kind: 'comment' },
}

describe('alert content', () => {
  it('says what happened, which item, how long until due, and links straight to it', () => {
    const c = buildAlertContent(base, { baseUrl: 'https://e.example/', now: NOW })
    expect(c.title).toBe('Harbour GP: A reply is due soon (due in 25m)')
    expect(c.lines).toContain('A reply is due soon: a Facebook comment.')
    expect(c.link).toBe('https://e.example/mentions/m1')
    expect(c.alertLink).toBe('https://e.example/alerts/al_1')
  })

  it('quotes the patient only with the opt-in, and never in the title', () => {
    const without = buildAlertContent(base, { baseUrl: 'https://e.example', now: NOW })
    expect(JSON.stringify(without)).not.toContain('bleeding')
    const opted = buildAlertContent(
      { ...base, patientText: 'I am bleeding' },
      { baseUrl: 'https://e.example', now: NOW },
    )
    expect(opted.lines.join('\n')).toContain('I am bleeding')
    expect(opted.title).not.toContain('bleeding')
  })

  it('counts down and then up', () => {
    expect(dueText(new Date(NOW.getTime() + 90 * 60_000), NOW)).toBe('due in 1h 30m')
    expect(dueText(new Date(NOW.getTime() - 2 * 3_600_000), NOW)).toBe('overdue by 2h')
  })

  it('gives the safe reply with the emergency number of the practice’s region', () => {
    expect(emergencyNumberFor('AU-VIC')).toBe('000')
    expect(emergencyNumberFor('GB-ENG')).toBe('999')
    expect(emergencyNumberFor('US-CA')).toBe('911')
    expect(emergencyNumberFor(null)).toBe('112')
    const c = buildAlertContent(
      { ...base, rule: 'urgent', onCall: true, holidayRegion: 'GB-ENG' },
      { baseUrl: 'https://e.example', now: NOW },
    )
    expect(c.title.startsWith('On call — ')).toBe(true)
    expect(c.safeReply).toMatch(/call 999 now/)
  })

  it('signs outbound webhooks as Standard Webhooks 1.0 (the reference test vector)', () => {
    const body =
      '{"type":"reply.sent","timestamp":"2025-01-06T10:40:00Z","data":{"platform":"facebook","conversation_id":"712345678901234_1122334455667788","reply_id":"712345678901234_1122334455669999"}}'
    expect(
      signStandardWebhook(
        'whsec_ZWFyc2hvdC1vdXRib3VuZC10ZXN0LWtleS0wMDAx',
        'msg_01JH0000000000000000000000',
        1736160000,
        body,
      ),
    ).toBe('v1,7zJVdqhKvO0G0AnNKbFLTYSW8aJx90TlYZzZzj49QDo=')
  })
})
