/**
 * @module `earshot classify`: runs core's triage and sentiment over texts on stdin, for trying
 * the rules (or a plugged-in model) without a database.
 */
import { runClassifyCli } from '@earshot/core'
import type { CliCommand } from '../cli-command.js'
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

Options:
  -h, --help   Show this help`,
  async run(args, io) {
    const { values } = parseCommandArgs('classify', args, {})
    if (values.help) return printUsage(io, this.usage)
    return runClassifyCli({ stdin: io.stdin, stdout: io.stdout, stderr: io.stderr })
  },
}
