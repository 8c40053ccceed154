/**
 * @module The Hono environment of the dashboard: what every handler finds in `c.var`.
 */
import type { SendReplyDeps } from '@earshot/collectors'
import type { Keyring, ReadReplica } from '@earshot/core'
import type { Kysely } from 'kysely'
import type { ApiTokenScope } from '../auth/api-token-scopes.js'
import type { DashboardUser } from '../auth/create-user.js'
import type { ConnectFlows } from '../connect/connect-config.js'
import type { Database, PracticeRow } from '../core.js'
import type { RecordOverride } from '../data/record-override.js'
import type { MailSender } from '../mail/mail-sender.js'

/** Who is signed in and what they may see. */
export interface AuthState {
  user: DashboardUser
  organisationId: string
  organisationName: string
  /** Practices this user may see (all of the organisation's for an agency admin), by name. */
  practices: PracticeRow[]
  /** Agency admins and practice managers may change things; viewers may not. */
  canWrite: boolean
  /** The session's CSRF token; null for bearer-token requests (no cookie, so no CSRF). */
  csrfToken: string | null
  via: 'session' | 'token'
  sessionId: string | null
  /** When this session last entered the password (and second factor); null for tokens. */
  authenticatedAt: Date | null
  /** What the bearer token may do (null for sessions: a session may do what the role allows). */
  tokenScopes: ApiTokenScope[] | null
}

/** Services the app was created with. */
export interface DashboardServices {
  /** The primary: every write, and every read that is not a pure read route. */
  db: Kysely<Database>
  /** The read replica, when `DATABASE_READ_URL` is set; pure read routes reach it through `readDatabase(c)`. */
  replica?: ReadReplica | undefined
  now: () => Date
  recordOverride: RecordOverride
  /** Seals two-factor secrets (the process keyring unless the app was given one). */
  keyring: () => Keyring
  /** How replies reach the platforms (tests point them at fake servers). */
  reply: SendReplyDeps
  /** Sends invitations and password resets; undefined when no SMTP server is configured. */
  mail?: MailSender | undefined
  /** Where people reach the dashboard (links in mail are built on it, never on the Host header). */
  publicUrl?: string
  /** The OAuth connect flows this server offers, by provider (absent: none). */
  connect?: ConnectFlows
}

export interface DashboardEnv {
  Variables: {
    services: DashboardServices
    auth: AuthState | undefined
    /** Unread alerts of the signed-in user, for the bell (set on pages only). */
    unreadAlerts?: number
    /** Channels of the user's practices that need reconnecting, for the banner (pages only). */
    reconnect?: { id: string; name: string; platform: string; href: string }[]
  }
}
