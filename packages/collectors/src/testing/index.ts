/**
 * @module Test helpers for collector authors: the contract suite, a fake platform server, and
 * tenant fixtures. Imports vitest: use it from test files only.
 */
export { CONTRACT_NOW, minutesBeforeContractNow } from './contract-clock.js'
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
export {
  type TestCollectorContext,
  type TestCollectorOptions,
  testCollector,
} from './test-collector.js'
export { createTestTenant, type TestTenant } from './test-tenant.js'
