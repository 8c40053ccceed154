/**
 * @module Test helpers for collector authors: the contract suite, a fake platform server, and
 * tenant fixtures. Imports vitest: use it from test files only.
 */
export { CONTRACT_NOW, minutesBeforeContractNow } from './contract-clock.js'
export {
  type FakeFacebookLogin,
  type FakeFacebookLoginOptions,
  type FakeFacebookPage,
  type FakeFacebookReply,
  startFakeFacebookLogin,
} from './fake-oauth/fake-facebook-login.js'
export {
  type FakeGoogleOAuth,
  type FakeGoogleOAuthOptions,
  startFakeGoogleOAuth,
} from './fake-oauth/fake-google-oauth.js'
export type {
  ConsentChoice,
  FakeOAuthClient,
  FakeOAuthOptions,
} from './fake-oauth/fake-oauth-core.js'
export {
  type FakeXOAuth,
  type FakeXOAuthOptions,
  startFakeXOAuth,
} from './fake-oauth/fake-x-oauth.js'
export {
  type FakeHandler,
  type FakeRequest,
  type FakeResponse,
  type FakeServer,
  startFakeServer,
} from './fake-server.js'
export {
  FAKE_SEND_ERRORS,
  type FakeSentReply,
  type FakeWriteApiOptions,
  type FakeWriteApis,
  startFakeWriteApis,
} from './fake-write-apis.js'
export { type MetaFeedCommentOptions, metaFeedCommentBody } from './meta-feed-delivery.js'
export {
  type TestCollectorContext,
  type TestCollectorOptions,
  testCollector,
} from './test-collector.js'
export { createTestTenant, type TestTenant } from './test-tenant.js'
