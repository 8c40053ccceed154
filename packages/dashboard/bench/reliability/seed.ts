/**
 * @module The world the reliability run works on, written through core's and the dashboard's own
 * APIs: organisation A (two practices, a Facebook and a web-chat channel, mentions, an admin and an
 * API token), organisation B (the rival whose data must never reach A), and organisation F whose
 * routes the fuzzer hammers (its state may be wrecked). Also lists the app's routes.
 */
import {
  createChannel,
  createOrganisation,
  createPractice,
  type Database,
  ingest,
  openDatabase,
} from '@earshot/core'
import type { Kysely } from 'kysely'
import { createDashboard } from '../../src/app.js'
import { createApiToken } from '../../src/auth/create-api-token.js'
import { createUser } from '../../src/auth/create-user.js'

export const PASSWORD = 'reliability horse battery staple'
export const WEBCHAT_SECRET = 'reliability-webchat-secret'
/** Text only organisation B's mentions hold: finding it in an answer to A is a leak. */
export const B_SECRET = 'RIVAL-SECRET-7f3a'
export const B_PRACTICE_NAME = 'Rival Dental Secret Clinic'

export interface Org {
  orgId: string
  practices: string[]
  channels: string[]
  webchat: string
  importChannel: string
  mentions: string[]
  adminEmail: string
  adminId: string
  token: string
}

export interface World {
  a: Org
  b: Org
  f: Org
  /** `METHOD path` of every route the app registers. */
  routes: { method: string; path: string }[]
}

const schedule = {
  timeZone: 'Australia/Sydney',
  weekly: {
    mon: [{ start: '08:00', end: '18:00' }],
    tue: [{ start: '08:00', end: '18:00' }],
    wed: [{ start: '08:00', end: '18:00' }],
    thu: [{ start: '08:00', end: '18:00' }],
    fri: [{ start: '08:00', end: '18:00' }],
  },
}
const promise = { targets: [{ duration: '2 business hours' }] }

async function seedOrg(
  db: Kysely<Database>,
  name: string,
  key: string,
  practiceNames: string[],
  text: string,
): Promise<Org> {
  const org = await createOrganisation(db, { name })
  const practices: { id: string; name: string }[] = []
  for (const p of practiceNames)
    practices.push(await createPractice(db, { organisationId: org.id, name: p, schedule, promise }))
  const channels: { id: string }[] = []
  for (const [i, p] of practices.entries())
    channels.push(
      await createChannel(db, {
        organisationId: org.id,
        practiceId: p.id,
        platform: 'facebook',
        externalAccountId: `page-${key}-${i}`,
        name: `${p.name} Facebook`,
      }),
    )
  const webchat = await createChannel(db, {
    organisationId: org.id,
    practiceId: practices[0]!.id,
    platform: 'webchat',
    externalAccountId: `chat-${key}`,
    name: `${practices[0]!.name} chat`,
    config: { secret: WEBCHAT_SECRET },
  })
  const importChannel = await createChannel(db, {
    organisationId: org.id,
    practiceId: practices[0]!.id,
    platform: 'facebook',
    externalAccountId: `import-${key}`,
    name: `${practices[0]!.name} import target`,
  })
  const now = Date.now()
  const items = Array.from({ length: 12 }, (_, n) => ({
    channelId: channels[n % channels.length]!.id,
    externalId: `${key}-m${n}`,
    kind: 'comment' as const,
    author: { id: `${key}-u${n}`, name: `${key.toUpperCase()} Patient ${n}` },
    text: `${text} (${n}) do you bulk bill on Saturdays?`,
    createdAt: new Date(now - (n + 1) * 3_600_000).toISOString(),
    permalink: `https://facebook.com/${key}/posts/${n}`,
  }))
  await ingest(db, items, { organisationId: org.id })
  const mentions = await db
    .selectFrom('mentions')
    .select('id')
    .where('organisation_id', '=', org.id)
    .execute()
  const adminEmail = `admin@${key}.example`
  const admin = await createUser(db, {
    organisationId: org.id,
    email: adminEmail,
    name: `${key.toUpperCase()} Admin`,
    password: PASSWORD,
    role: 'agency_admin',
    practiceIds: [],
  })
  const { token } = await createApiToken(db, {
    organisationId: org.id,
    userId: admin.id,
    name: 'reliability',
    scopes: ['read', 'write', 'admin'],
  })
  return {
    orgId: org.id,
    practices: practices.map((p) => p.id),
    channels: channels.map((c) => c.id),
    webchat: webchat.id,
    importChannel: importChannel.id,
    mentions: mentions.map((m) => m.id),
    adminEmail,
    adminId: admin.id,
    token,
  }
}

/** Migrates the database at `url` and seeds it. */
export async function seedWorld(url: string): Promise<World> {
  const database = await openDatabase({ url, poolSize: 2 })
  try {
    const { db } = database
    const a = await seedOrg(
      db,
      'Harbour Health Agency',
      'a',
      ['Harbour GP', 'Bondi Physio'],
      'Harbour question',
    )
    const b = await seedOrg(db, 'Rival Dental Group', 'b', [B_PRACTICE_NAME], B_SECRET)
    const f = await seedOrg(db, 'Fuzz Target Agency', 'f', ['Fuzz GP'], 'Fuzz question')
    const routes = createDashboard({ db }).routes.map((r) => ({ method: r.method, path: r.path }))
    return { a, b, f, routes }
  } finally {
    await database.close()
  }
}
