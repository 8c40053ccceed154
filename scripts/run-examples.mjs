#!/usr/bin/env node
// Runs every examples/*.ts from source (no build needed) and fails if any of them fails, so the
// examples in the docs cannot rot.
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'

const dir = new URL('../examples/', import.meta.url).pathname
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.ts'))
  .sort()
let failed = 0
for (const file of files) {
  console.log(`\n── examples/${file}`)
  const run = spawnSync(
    process.execPath,
    ['--conditions=@earshot/source', '--import', 'tsx', join(dir, file)],
    { stdio: 'inherit', env: { ...process.env, EARSHOT_EXAMPLE: '1' } },
  )
  if (run.status !== 0) {
    failed++
    console.error(`examples/${file} failed (exit ${run.status ?? run.signal})`)
  }
}
console.log(`\n${files.length - failed} passed, ${failed} failed`)
process.exit(failed ? 1 : 0)
