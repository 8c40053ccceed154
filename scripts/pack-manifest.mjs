#!/usr/bin/env node
/**
 * The package.json a workspace package is published with. In the repository each export carries
 * an `@earshot/source` condition pointing at `src/` (tests, tsx and typecheck read the source,
 * so nothing needs a build); the tarball ships `dist/` only, so the published manifest must not
 * name files it does not contain. `prepack` (`strip`) saves the manifest aside and writes it
 * without that condition; `postpack` (`restore`) puts the original back.
 *
 * Usage (from a package folder): node ../../scripts/pack-manifest.mjs strip|restore
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'

const SOURCE_CONDITION = '@earshot/source'
const manifest = 'package.json'
const saved = '.package.json.repository'

/** The exports map without the source condition, at every depth. */
function withoutSourceCondition(value) {
  if (Array.isArray(value)) return value.map(withoutSourceCondition)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== SOURCE_CONDITION)
      .map(([key, v]) => [key, withoutSourceCondition(v)]),
  )
}

const command = process.argv[2]
if (command === 'strip') {
  if (existsSync(saved)) {
    console.error(
      `pack-manifest: ${saved} exists (an interrupted pack?): run \`node ../../scripts/pack-manifest.mjs restore\` first`,
    )
    process.exit(1)
  }
  const original = readFileSync(manifest, 'utf8')
  const pkg = JSON.parse(original)
  writeFileSync(saved, original)
  writeFileSync(
    manifest,
    `${JSON.stringify({ ...pkg, exports: withoutSourceCondition(pkg.exports) }, null, 2)}\n`,
  )
} else if (command === 'restore') {
  if (existsSync(saved)) renameSync(saved, manifest)
} else {
  console.error('usage: pack-manifest.mjs strip|restore')
  process.exit(2)
}
