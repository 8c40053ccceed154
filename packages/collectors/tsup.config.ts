import { defineConfig } from 'tsup'
import { baseConfig } from '../../tsup.base.ts'

// `testing` is a separate entry (it imports vitest, which stays external).
export default defineConfig({ ...baseConfig, entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts' }, external: ['vitest'] })
