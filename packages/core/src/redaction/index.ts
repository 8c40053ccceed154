export { hasRedactionToken, redactIdentifiers, redactPayload } from './redact-identifiers.js'
