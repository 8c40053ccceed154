/**
 * @module `npx earshot …` in the repository root, as docs/triage.md and getting-started.md show
 * it: a real `npx` process, no build needed (the bin runs the TypeScript source in a checkout).
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))

async function npx(
  args: string[],
  stdin = '',
): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn('npx', ['earshot', ...args], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: {
      // npm_* variables from an enclosing `npm test` would point npx at another package.
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_'))),
      // Like `npx --no`: never fetch a package of that name from the registry.
      npm_config_yes: 'false',
    },
  })
  let out = ''
  let err = ''
  child.stdout.setEncoding('utf8').on('data', (c: string) => {
    out += c
  })
  child.stderr.setEncoding('utf8').on('data', (c: string) => {
    err += c
  })
  child.stdin.end(stdin)
  const [code] = await once(child, 'exit')
  return { code, out, err }
}

describe('npx earshot in the repository root', () => {
  it('--help lists the commands', async () => {
    const { code, out, err } = await npx(['--help'])
    expect(err).not.toContain('could not determine executable')
    expect(code).toBe(0)
    expect(out).toContain('Usage: earshot <command>')
    expect(out).toMatch(/^ {2}classify\s/m)
  })

  it('classify reads JSON lines from stdin, as docs/triage.md shows', async () => {
    const { code, out } = await npx(
      ['classify'],
      '{"text":"do u bulk bill on saturdays","platform":"facebook"}\n',
    )
    expect(code).toBe(0)
    expect(JSON.parse(out.trim())).toMatchObject({ needsReply: true, category: 'question' })
  })
})
