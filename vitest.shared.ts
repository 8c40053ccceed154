import { fileURLToPath } from 'node:url'
import type { ViteUserConfig } from 'vitest/config'

const src = (pkg: string) =>
  fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url))

/**
 * Tests read the workspace packages' source, never their dist, so `npm test` needs no build.
 * PGlite needs a few seconds to start: each file shares one instance.
 *
 * No test or hook has a time limit (0 = none): a test that depends on how fast the machine is
 * fails on a loaded CI box (a fixed 30 s limit failed 2 of 3 runs on a busy 2-core machine).
 * Tests wait for events, never for time; a hung test is caught by CI's own job time limit.
 */
export const sharedTestConfig: ViteUserConfig = {
  resolve: {
    alias: [
      { find: /^@earshot\/core$/, replacement: src('core') },
      { find: /^@earshot\/collectors$/, replacement: src('collectors') },
      {
        find: /^@earshot\/collectors\/testing$/,
        replacement: fileURLToPath(
          new URL('./packages/collectors/src/testing/index.ts', import.meta.url),
        ),
      },
    ],
  },
  test: {
    testTimeout: 0,
    hookTimeout: 0,
    pool: 'forks',
    reporters: process.env.CI ? ['default'] : ['default'],
  },
}
