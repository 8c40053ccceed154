/**
 * @module `earshot classify`: runs core's triage and sentiment over texts on stdin, for trying
 * the rules (or a plugged-in model) without a database.
 */
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { type Enricher, runClassifyCli } from '@earshot/core'
import type { CliCommand } from '../cli-command.js'
import { CliError, EXIT_USAGE } from '../cli-error.js'
import { parseCommandArgs } from '../parse-command-args.js'
import { printUsage } from './serve-command.js'

export const classifyCommand: CliCommand = {
  name: 'classify',
  usage: `Usage: earshot classify < mentions.jsonl

Reads JSON lines from stdin ({"text": "...", "platform"?, "kind"?, "rating"?}) and writes each
back with sentiment (label, score), needsReply, category, privacy, urgent and reasons, as
decided by the built-in rules. No database needed. Bad lines are reported on stderr (exit 1)
and the rest are still classified.

Example:
  echo '{"text":"do you bulk bill on saturdays"}' | earshot classify
  earshot classify --enricher ./my-enricher.mjs < mentions.jsonl

Options:
  --enricher <module>  Classify with your own enricher: a module whose default export (or
                       export named "enricher") is an Enricher {name, version, enrich(inputs)},
                       or a function returning one
  -h, --help           Show this help`,
  async run(args, io) {
    const { values } = parseCommandArgs('classify', args, { enricher: { type: 'string' } })
    if (values.help) return printUsage(io, this.usage)
    const enricher =
      values.enricher === undefined ? undefined : await loadEnricher(values.enricher, io.cwd)
    return runClassifyCli({
      stdin: io.stdin,
      stdout: io.stdout,
      stderr: io.stderr,
      ...(enricher !== undefined ? { enricher } : {}),
    })
  },
}

const isEnricher = (x: unknown): x is Enricher =>
  typeof x === 'object' &&
  x !== null &&
  typeof (x as Enricher).name === 'string' &&
  typeof (x as Enricher).version === 'string' &&
  typeof (x as Enricher).enrich === 'function'

/** Imports a user's enricher module (path relative to the working directory, or a package name). */
async function loadEnricher(specifier: string, cwd: string): Promise<Enricher> {
  const url =
    specifier.startsWith('.') || specifier.startsWith('/')
      ? pathToFileURL(resolve(cwd, specifier)).href
      : specifier
  let mod: Record<string, unknown>
  try {
    mod = (await import(url)) as Record<string, unknown>
  } catch (error) {
    throw new CliError(
      `classify: cannot load enricher ${specifier}: ${(error as Error).message}`,
      EXIT_USAGE,
    )
  }
  for (const candidate of [mod.default, mod.enricher]) {
    const value = typeof candidate === 'function' ? await (candidate as () => unknown)() : candidate
    if (isEnricher(value)) return value
  }
  throw new CliError(
    `classify: ${specifier} does not export an enricher (default or "enricher": {name, version, enrich})`,
    EXIT_USAGE,
  )
}
