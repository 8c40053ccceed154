/**
 * @module Credential redaction for URLs that end up in errors and logs.
 */

// Query parameters that carry credentials on the platforms we call.
const SECRET_PARAMS =
  /([?&](?:access_token|input_token|key|token|client_secret|appsecret_proof|api_key|password)=)[^&#]*/gi

/** Replaces the values of credential parameters (`access_token`, `key`, …) with `***`. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_PARAMS, '$1***').replace(/(\/\/[^:/@]+:)[^@/]*@/, '$1***@')
}
