import { defineConfig } from 'tsup'
import { baseConfig } from '../../tsup.base.ts'

// Libraries resolved from node_modules at run time, never bundled: one copy of Kysely and of the
// database drivers for the whole process (core's and ours).
const external = ['@earshot/core', '@earshot/collectors', 'kysely', 'pg', '@electric-sql/pglite']

export default defineConfig([
  // The library: ESM + CJS with type declarations.
  { ...baseConfig, entry: ['src/index.ts'], external },
  // The `earshot` executable: one ESM file (top-level await), no declarations. The dashboard's
  // public/ assets are found at run time by walking up from dist/ to the package folder.
  {
    ...baseConfig,
    entry: ['src/cli.ts'],
    format: ['esm'],
    dts: false,
    clean: false,
    external,
  },
])
