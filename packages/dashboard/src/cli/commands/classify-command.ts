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
  usage: `Usage: earshot classify < texts.txt

Reads texts from stdin and writes, for each, whether it needs a reply, its category, privacy
and urgency flags, and its sentiment, as produced by the built-in rules.

Example:
  echo "do you bulk bill on saturdays" | earshot classify

Options:
  -h, --help   Show this help`,
  async run(args, io) {
    const { values } = parseCommandArgs('classify', args, {})
    if (values.help) return printUsage(io, this.usage)
    return runClassifyCli({ stdin: io.stdin, stdout: io.stdout, stderr: io.stderr })
  },
}
