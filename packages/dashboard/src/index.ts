/**
 * @module @earshot/dashboard: the web app (pages, JSON API, webhooks) and the user and token
 * helpers the CLI uses.
 *
 * @example
 * import { createDashboard, createUser } from '@earshot/dashboard'
 * await createUser(db, { organisationId, email: 'demo@example.com', name: 'Demo', password: 'earshot-demo', role: 'agency_admin' })
 * const app = createDashboard({ db })
 */
export { createDashboard, type DashboardOptions } from './app.js'
export {
  API_TOKEN_SCOPES,
  type ApiTokenScope,
  DEFAULT_TOKEN_DAYS,
  MAX_TOKEN_DAYS,
} from './auth/api-token-scopes.js'
export {
  type ApiTokenSummary,
  type CreateApiTokenInput,
  createApiToken,
  listApiTokens,
  type ResolvedApiToken,
  resolveApiToken,
  revokeApiToken,
} from './auth/create-api-token.js'
export {
  authenticateUser,
  type CreateUserInput,
  createUser,
  createUserInputSchema,
  type DashboardUser,
} from './auth/create-user.js'
export {
  createLoginRateLimiter,
  type LoginRateLimiter,
  type LoginRateLimitOptions,
} from './auth/login-rate-limiter.js'
export { hashPassword, verifyPassword } from './auth/password-hash.js'
export type { OverrideInput, RecordOverride } from './data/record-override.js'
export type { AuthState, DashboardEnv, DashboardServices } from './http/dashboard-env.js'
export type { WebhookHandler, WebhookRequest } from './routes/hook-routes.js'
