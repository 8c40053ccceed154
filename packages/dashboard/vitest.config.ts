import { configDefaults, defineConfig } from 'vitest/config'
import { sharedTestConfig } from '../../vitest.shared.ts'

// The browser tests have their own config (vitest.e2e.config.ts): one browser at a time.
export default defineConfig({
  ...sharedTestConfig,
  test: { ...sharedTestConfig.test, exclude: [...configDefaults.exclude, 'e2e/**'] },
})
