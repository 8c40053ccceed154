import { defineConfig } from 'tsup'
import { baseConfig } from '../../tsup.base.ts'

export default defineConfig({
  ...baseConfig,
  // `testing` is a separate entry (it imports vitest, which stays external).
  entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts' },
  external: ['vitest'],
  esbuildPlugins: [
    {
      // src/run/core-loop.ts reaches core's collect-channel by path while @earshot/core's index
      // does not export it yet; the build must import it from the package, never bundle a copy.
      name: 'core-loop-from-package',
      setup(build) {
        build.onResolve({ filter: /core\/src\/collector\/collect-channel\.js$/ }, () => ({
          path: '@earshot/core',
          external: true,
        }))
      },
    },
  ],
})
