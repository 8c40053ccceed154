import { describe, expect, it } from 'vitest'
import { triage } from '../enrich/triage.js'
import { IDENTIFIERS, isDate, isMedicareNumber, isNhsNumber } from './identifier-rules.js'
import { hasRedactionToken, redactIdentifiers, redactPayload } from './redact-identifiers.js'

describe('identifier redaction rules (data/identifiers.json)', () => {
  for (const record of IDENTIFIERS) {
    describe(record.id, () => {
      it.each(record.examples)('redacts %j', (text, redacted) => {
        expect(redactIdentifiers(text)).toEqual({ text: redacted, found: [record.id] })
        expect(hasRedactionToken(redacted)).toBe(true)
      })
      it.each(record.counterexamples)('leaves %j alone', (text) => {
        expect(redactIdentifiers(text)).toEqual({ text, found: [] })
      })
      it(`agrees with triage rule ${record.triageRule}: every example is flagged for privacy`, () => {
        for (const [text] of record.examples) {
          const t = triage({ text, platform: 'facebook', kind: 'comment', direction: 'inbound' })
          expect(t.privacy, text).toBe(true)
        }
      })
    })
  }
})

describe('identifier checks', () => {
  it('Medicare: weights 1 3 7 9 1 3 7 9, mod 10, first digit 2–6, optional issue number', () => {
    expect(isMedicareNumber('2123 45670 1')).toBe(true)
    expect(isMedicareNumber('21234567012')).toBe(true)
    expect(isMedicareNumber('2123 45680 1')).toBe(false)
    expect(isMedicareNumber('7123 45670 1')).toBe(false)
  })
  it('NHS: mod 11 over weights 10 … 2, a remainder giving 10 is never valid', () => {
    expect(isNhsNumber('943 476 5919')).toBe(true)
    expect(isNhsNumber('943 476 5910')).toBe(false)
    // 100 000 001 → Σ = 10 + 2 = 12, 11 − 1 = 10: no valid check digit.
    for (let c = 0; c <= 9; c++) expect(isNhsNumber(`100000001${c}`)).toBe(false)
  })
  it('dates must exist, either way round', () => {
    expect(isDate('29/02/2024')).toBe(true)
    expect(isDate('29/02/2023')).toBe(false)
    expect(isDate('12/31/1990')).toBe(true)
    expect(isDate('4 March 2019')).toBe(true)
    expect(isDate('31 feb 2019')).toBe(false)
  })
})

describe('redactPayload', () => {
  it('redacts every string value at any depth and keeps the shape', () => {
    const payload = {
      from: { id: '123' },
      message: 'call me on 0412 345 678',
      tags: ['DOB 12/03/1985', 7],
    }
    expect(redactPayload(payload)).toEqual({
      from: { id: '123' },
      message: 'call me on [phone number]',
      tags: ['DOB [date of birth]', 7],
    })
  })
})
