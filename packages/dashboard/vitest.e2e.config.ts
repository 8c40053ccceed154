import { defineConfig } from 'vitest/config'
import { sharedTestConfig } from '../../vitest.shared.ts'

/**
 * End-to-end tests: the real app on 127.0.0.1 driven by headless Chromium. Kept out of the unit
 * run (`npm test` in this package excludes e2e/); run with `npm run test:e2e`.
 */
export default defineConfig({
  ...sharedTestConfig,
  test: {
    ...sharedTestConfig.test,
    include: ['e2e/**/*.e2e.test.ts'],
    // One browser and one database at a time: the machine has two cores.
    fileParallelism: false,
  },
})
