/**
 * @module Connecting accounts through each platform's own OAuth flow (see connect-flow.ts).
 */
export * from './connect-flow.js'
export * from './facebook-connect.js'
export * from './finalize-connection.js'
export * from './google-connect.js'
export type { ProviderRequestOptions } from './provider-request.js'
export * from './refresh-credentials.js'
export * from './x-connect.js'
