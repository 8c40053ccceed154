/**
 * @module The demo agency's practices: who they are, when they open, what they promised, where
 * they are on social media, and how they actually behave. Each practice shows one pattern an
 * agency needs to spot: the fast GP, the dentist who answers late at night, the dead page.
 */
import type { Platform, PromiseSpec, ScheduleSpec } from '@earshot/core'

/** Which vocabulary the generated texts use. */
export type PracticeType = 'gp' | 'dental' | 'physio' | 'dermatology'

/**
 * How a practice answers:
 * - `fast-in-hours`: replies within minutes while open, first thing after opening otherwise;
 * - `slow-after-hours`: replies hours later, often in the evening from home;
 * - `dead`: the page was set up and forgotten: almost nothing is answered;
 * - `steady`: within a few business hours, with a Messenger instant reply first.
 */
export type ReplyStyle = 'fast-in-hours' | 'slow-after-hours' | 'dead' | 'steady'

/** One of a demo practice's social presences. */
export interface DemoChannelProfile {
  id: string
  platform: Platform
  name: string
  /** The account's id on the platform (also the author id of the practice's own messages). */
  externalAccountId: string
  /** Public handle, used in permalinks and as the practice's author handle. */
  handle: string
  /** Relative share of the practice's inbound traffic. */
  share: number
}

/** How much a practice hears and how it responds. */
export interface DemoBehaviour {
  /** Mean inbound mentions on an average weekday (Mondays get more, weekends fewer). */
  inboundPerDay: number
  replyStyle: ReplyStyle
  /** Share of mentions that need a reply which do get one. */
  replyRate: number
  /** Share of reviews that get an owner reply. */
  reviewReplyRate: number
  /** The practice's own posts per week (Facebook/Instagram). */
  ownPostsPerWeek: number
  /** No own posts in the last this-many days (the "set up but dead" page). */
  silentForDays?: number
  /** Mean star rating of its reviews. */
  meanRating: number
  /** Relative weight of spam in its inbound mix (unmoderated pages attract more). */
  spamWeight: number
  /** A bad day: `extra` complaints on the day `daysAgo` (what a crisis alert should catch). */
  spike?: { daysAgo: number; extra: number }
}

/** Everything the generator needs to know about one demo practice. */
export interface DemoPracticeProfile {
  id: string
  name: string
  slug: string
  type: PracticeType
  /** The country's spelling and vocabulary ("Medicare", "NHS", "insurance"). */
  country: 'AU' | 'GB' | 'US'
  phone: string
  schedule: ScheduleSpec
  promise: PromiseSpec
  channels: DemoChannelProfile[]
  behaviour: DemoBehaviour
  staff: string[]
}

/** The demo agency. */
export const DEMO_ORGANISATION = {
  id: 'demo-harbourside',
  name: 'Harbourside Health Marketing',
} as const

const weekdays = (start: string, end: string) => ({
  mon: [{ start, end }],
  tue: [{ start, end }],
  wed: [{ start, end }],
  thu: [{ start, end }],
  fri: [{ start, end }],
})

/** The four demo practices, in four time zones on three continents. */
export const DEMO_PRACTICES: readonly DemoPracticeProfile[] = [
  {
    id: 'demo-bondi-gp',
    name: 'Bondi Junction Family GP',
    slug: 'bondi-junction-gp',
    type: 'gp',
    country: 'AU',
    phone: '(02) 9387 4410',
    schedule: {
      timeZone: 'Australia/Sydney',
      holidayRegion: 'AU-NSW',
      weekly: {
        ...weekdays('08:00', '18:00'),
        thu: [
          { start: '08:00', end: '12:30' },
          { start: '13:30', end: '20:00' },
        ],
        sat: [{ start: '09:00', end: '13:00' }],
      },
    },
    promise: {
      targets: [
        {
          name: 'Urgent and private',
          filter: { categories: ['clinical', 'privacy', 'complaint'] },
          duration: '1 business hour',
        },
        { name: 'Reviews', filter: { kinds: ['review'] }, duration: '1 business day' },
        { name: 'Everything else', duration: '2 business hours' },
      ],
      goal: 0.95,
      statement:
        'We reply to every message within 2 business hours (urgent ones within 1) and to every review within one business day.',
    },
    channels: [
      channel(
        'demo-bondi-facebook',
        'facebook',
        'Facebook · Bondi Junction Family GP',
        '104889276512',
        'bondijunctiongp',
        5,
      ),
      channel(
        'demo-bondi-instagram',
        'instagram',
        'Instagram · @bondijunctiongp',
        '17841402233',
        'bondijunctiongp',
        3,
      ),
      channel(
        'demo-bondi-google',
        'google',
        'Google reviews · Bondi Junction',
        'accounts/1187/locations/3321',
        'bondi-junction-family-gp',
        0.5,
      ),
      channel('demo-bondi-webchat', 'webchat', 'Website chat', 'bondigp-site', 'bondigp-site', 2),
    ],
    behaviour: {
      inboundPerDay: 14,
      replyStyle: 'fast-in-hours',
      replyRate: 0.98,
      reviewReplyRate: 0.9,
      ownPostsPerWeek: 4,
      meanRating: 4.5,
      spamWeight: 0.05,
    },
    staff: ['Dr Nguyen', 'Dr Patel', "Dr O'Brien", 'Dr Chen'],
  },
  {
    id: 'demo-camden-dental',
    name: 'Camden Smiles Dental',
    slug: 'camden-smiles-dental',
    type: 'dental',
    country: 'GB',
    phone: '020 7485 2291',
    schedule: {
      timeZone: 'Europe/London',
      holidayRegion: 'GB-ENG',
      weekly: {
        ...weekdays('09:00', '17:30'),
        wed: [{ start: '10:00', end: '19:00' }],
      },
    },
    promise: {
      targets: [
        { name: 'Reviews', filter: { kinds: ['review'] }, duration: '1 business day' },
        { name: 'Messages and comments', duration: '4 business hours' },
      ],
      goal: 0.9,
      statement:
        'We aim to answer every message within 4 working hours, and every review within one working day.',
    },
    channels: [
      channel(
        'demo-camden-facebook',
        'facebook',
        'Facebook · Camden Smiles',
        '223019887401',
        'camdensmilesdental',
        4,
      ),
      channel(
        'demo-camden-instagram',
        'instagram',
        'Instagram · @camdensmiles',
        '17841455120',
        'camdensmiles',
        3,
      ),
      channel(
        'demo-camden-google',
        'google',
        'Google reviews · Camden Smiles',
        'accounts/2209/locations/8810',
        'camden-smiles-dental',
        0.6,
      ),
      channel('demo-camden-x', 'x', 'X · @CamdenSmiles', '1502283310', 'CamdenSmiles', 1),
    ],
    behaviour: {
      inboundPerDay: 9,
      replyStyle: 'slow-after-hours',
      replyRate: 0.82,
      reviewReplyRate: 0.55,
      ownPostsPerWeek: 1.5,
      meanRating: 3.9,
      spamWeight: 0.07,
      spike: { daysAgo: 3, extra: 14 },
    },
    staff: ['Dr Hughes', 'Dr Okafor', 'Dr Simmons', 'our hygienist Priya'],
  },
  {
    id: 'demo-venice-physio',
    name: 'Venice Beach Physical Therapy',
    slug: 'venice-beach-physio',
    type: 'physio',
    country: 'US',
    phone: '(310) 555-0142',
    schedule: {
      timeZone: 'America/Los_Angeles',
      holidayRegion: 'US-CA',
      weekly: weekdays('07:00', '19:00'),
    },
    promise: {
      targets: [{ name: 'Everything', duration: '4 business hours' }],
      goal: 0.9,
      statement: 'We answer every message within 4 business hours.',
    },
    channels: [
      channel(
        'demo-venice-facebook',
        'facebook',
        'Facebook · Venice Beach PT',
        '331207765590',
        'venicebeachpt',
        5,
      ),
      channel(
        'demo-venice-google',
        'google',
        'Google reviews · Venice Beach PT',
        'accounts/3305/locations/1029',
        'venice-beach-physical-therapy',
        1,
      ),
      channel('demo-venice-x', 'x', 'X · @VeniceBeachPT', '1600228817', 'VeniceBeachPT', 1),
    ],
    behaviour: {
      inboundPerDay: 4,
      replyStyle: 'dead',
      replyRate: 0.08,
      reviewReplyRate: 0.03,
      ownPostsPerWeek: 0.4,
      silentForDays: 75,
      meanRating: 3.4,
      spamWeight: 0.35,
    },
    staff: ['Jordan', 'Maria', 'Dr Kim'],
  },
  {
    id: 'demo-brisbane-skin',
    name: 'Brisbane Skin & Mole Clinic',
    slug: 'brisbane-skin-clinic',
    type: 'dermatology',
    country: 'AU',
    phone: '(07) 3221 8870',
    schedule: {
      timeZone: 'Australia/Brisbane',
      holidayRegion: 'AU-QLD',
      weekly: {
        ...weekdays('08:30', '17:00'),
        fri: [{ start: '08:30', end: '13:00' }],
      },
    },
    promise: {
      targets: [
        { name: 'Reviews', filter: { kinds: ['review'] }, duration: '2 business days' },
        { name: 'Messages', duration: '1 business day' },
      ],
      goal: 0.9,
      statement:
        'Every enquiry gets a personal reply within one business day, and every review within two.',
      autoReplyPatterns: ['^thanks for (your message|getting in touch)'],
    },
    channels: [
      channel(
        'demo-brisbane-facebook',
        'facebook',
        'Facebook · Brisbane Skin & Mole',
        '445120098731',
        'brisbaneskinclinic',
        4,
      ),
      channel(
        'demo-brisbane-instagram',
        'instagram',
        'Instagram · @brisbaneskin',
        '17841466001',
        'brisbaneskin',
        2,
      ),
      channel(
        'demo-brisbane-google',
        'google',
        'Google reviews · Brisbane Skin',
        'accounts/4410/locations/5512',
        'brisbane-skin-mole-clinic',
        0.6,
      ),
    ],
    behaviour: {
      inboundPerDay: 6,
      replyStyle: 'steady',
      replyRate: 0.9,
      reviewReplyRate: 0.8,
      ownPostsPerWeek: 2,
      meanRating: 4.2,
      spamWeight: 0.06,
    },
    staff: ['Dr Walsh', 'Dr Iyer', 'Dr Morgan'],
  },
]

/** The demo sign-ins, all with the same password. */
export const DEMO_PASSWORD = 'earshot-demo'

/** Demo users: the agency admin whose login `earshot demo` prints, a practice manager and a viewer. */
export const DEMO_USERS = [
  {
    email: 'demo@example.com',
    name: 'Alex Demo',
    role: 'agency_admin',
    practiceIds: [] as string[],
  },
  {
    email: 'manager@example.com',
    name: 'Sam Manager',
    role: 'practice_manager',
    practiceIds: ['demo-bondi-gp'],
  },
  {
    email: 'viewer@example.com',
    name: 'Vic Viewer',
    role: 'viewer',
    practiceIds: ['demo-bondi-gp', 'demo-camden-dental'],
  },
] as const

function channel(
  id: string,
  platform: Platform,
  name: string,
  externalAccountId: string,
  handle: string,
  share: number,
): DemoChannelProfile {
  return { id, platform, name, externalAccountId, handle, share }
}
