#!/usr/bin/env node
/**
 * @module The `earshot` executable (built to dist/cli.js). Everything lives in ./cli/run-cli.ts
 * so tests can run commands in-process.
 */
import { runCli } from './cli/run-cli.js'

const code = await runCli(process.argv.slice(2))
process.exitCode = code
// A library handle left open (a pool, a timer) must not keep a finished command alive.
setTimeout(() => process.exit(code), 2000).unref()
