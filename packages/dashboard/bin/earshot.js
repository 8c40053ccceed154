#!/usr/bin/env node
// The `earshot` executable. In a source checkout (src/ next to this folder, tsx installed) it
// runs the TypeScript source, so `npx earshot …` in the repository works without a build and is
// never stale; in an installed package (no src/) it runs the built dist/cli.js.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const source = fileURLToPath(new URL('../src/cli.ts', import.meta.url))
const built = new URL('../dist/cli.js', import.meta.url)

/** tsx's loader, resolved from here (not from the caller's folder), if installed. */
function tsxLoader() {
  try {
    return import.meta.resolve('tsx')
  } catch {
    return undefined
  }
}

const tsx = existsSync(source) ? tsxLoader() : undefined
if (tsx) {
  const child = spawn(
    process.execPath,
    ['--conditions=@earshot/source', '--import', tsx, source, ...process.argv.slice(2)],
    { stdio: 'inherit' },
  )
  // Ctrl+C reaches the child from the terminal itself: here it must only not end the launcher
  // first. A SIGTERM or SIGHUP sent to the launcher alone is passed on.
  process.on('SIGINT', () => {})
  for (const signal of ['SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal))
  child.on('exit', (code, signal) => {
    if (signal) process.kill(process.pid, signal)
    else process.exit(code ?? 1)
  })
} else if (existsSync(built)) {
  await import(built.href)
} else {
  process.stderr.write(
    'earshot: not built. Run `npm run build` (or `npx turbo run build --filter=@earshot/dashboard...`) first.\n',
  )
  process.exit(1)
}
