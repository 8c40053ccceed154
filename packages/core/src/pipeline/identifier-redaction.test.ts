import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabases } from '../../test/databases.js'
import { sydneyPractice } from '../../test/ingest-fixtures.js'
import { savePrivacySettings } from '../privacy/privacy-settings.js'
import type { EarshotDatabase } from '../storage/open-database.js'
import { commitBatch } from './commit-batch.js'

const NOW = new Date('2026-12-01T00:00:00Z')

for (const database of testDatabases()) {
  describe(`${database.name}: identifier redaction at ingest`, () => {
    let handle: EarshotDatabase
    beforeAll(async () => {
      handle = await database.open()
    })
    afterAll(async () => {
      await handle?.close()
    })

    async function ingestDisclosures(redact: boolean) {
      const db = handle.db
      const { org, channel } = await sydneyPractice(db)
      if (redact) await savePrivacySettings(db, org.id, { redactIdentifiers: true }, NOW)
      const text = 'my medicare number is 2123 45670 1, DOB 12/03/1985, call me on 0412 345 678'
      await commitBatch(db, {
        organisationId: org.id,
        channelId: channel.id,
        source: 'webhook:facebook',
        items: [
          {
            channelId: channel.id,
            externalId: 'c1',
            kind: 'comment',
            author: { id: 'u1' },
            text,
            createdAt: '2026-11-24T00:00:00Z',
            raw: { message: text, from: { id: 'u1' } },
          },
          {
            channelId: channel.id,
            externalId: 'bad',
            kind: 'comment',
            text: 'nhs number 943 476 5919',
          },
        ],
        rejected: [{ reason: 'unparseable', payload: { message: 'ring me on 07700 900123' } }],
        now: NOW,
      })
      const mention = await db
        .selectFrom('mentions')
        .select(['text', 'raw', 'privacy', 'triage_reasons'])
        .where('organisation_id', '=', org.id)
        .executeTakeFirstOrThrow()
      const quarantine = await db
        .selectFrom('quarantine')
        .select('payload')
        .where('organisation_id', '=', org.id)
        .orderBy('id')
        .execute()
      return { mention, quarantine: JSON.stringify(quarantine) }
    }

    it('stores tokens instead of identifiers in text, payload and quarantine, and keeps the privacy flag', async () => {
      const { mention, quarantine } = await ingestDisclosures(true)
      const redacted =
        'my medicare number is [Medicare number], DOB [date of birth], call me on [phone number]'
      expect(mention.text).toBe(redacted)
      expect(mention.raw).toEqual({ message: redacted, from: { id: 'u1' } })
      expect(mention.privacy).toBe(true)
      expect(quarantine).not.toMatch(/943 476 5919|07700 900123/)
      expect(quarantine).toContain('[NHS number]')
      expect(quarantine).toContain('[phone number]')
    })

    it('stores the text as written when the organisation has not turned redaction on', async () => {
      const { mention, quarantine } = await ingestDisclosures(false)
      expect(mention.text).toContain('2123 45670 1')
      expect(mention.privacy).toBe(true)
      expect(quarantine).toContain('943 476 5919')
    })
  })
}
