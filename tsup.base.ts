import type { Options } from 'tsup'

/** Shared tsup settings: ESM + CJS + type declarations, one file per entry. */
export const baseConfig: Options = {
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  // Lets ESM-only idioms (import.meta.url) work in the CJS build too.
  shims: true,
  splitting: false,
  target: 'node20',
  platform: 'node',
}
