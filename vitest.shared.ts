import { fileURLToPath } from 'node:url'
import type { ViteUserConfig } from 'vitest/config'

const src = (pkg: string) =>
  fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url))

/**
 * Tests read the workspace packages' source, never their dist, so `npm test` needs no build.
 * PGlite needs a few seconds to start: timeouts are generous and each file shares one instance.
 */
export const sharedTestConfig: ViteUserConfig = {
  resolve: {
    alias: [
      { find: /^@earshot\/core$/, replacement: src('core') },
      { find: /^@earshot\/collectors$/, replacement: src('collectors') },
    ],
  },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: process.env.CI ? ['default'] : ['default'],
  },
}
