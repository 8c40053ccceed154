import { Readable, Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { runClassifyCli } from './classify-cli.js'

function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = []
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk))
      done()
    },
  })
  return { stream, text: () => chunks.join('') }
}

async function run(lines: string[]) {
  const stdout = sink()
  const stderr = sink()
  const code = await runClassifyCli({
    stdin: Readable.from([lines.join('\n')]),
    stdout: stdout.stream,
    stderr: stderr.stream,
  })
  const out = stdout
    .text()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>)
  return { code, out, err: stderr.text() }
}

describe('runClassifyCli', () => {
  it('classifies good lines and exits 0', async () => {
    const { code, out, err } = await run([
      '{"text":"do u bulk bill on saturdays","platform":"facebook"}',
      '{"text":"","platform":"google","rating":5,"id":"r-1"}',
      '{"text":"great, another 2 hour wait 🙄"}',
    ])
    expect(code).toBe(0)
    expect(err).toBe('')
    expect(out).toHaveLength(3)
    expect(out[0]).toMatchObject({
      text: 'do u bulk bill on saturdays',
      needsReply: true,
      category: 'question',
      privacy: false,
      urgent: false,
      sentiment: { label: 'neutral' },
    })
    expect(out[0]!.reasons).toEqual(expect.arrayContaining([expect.stringMatching(/question/)]))
    // Unknown fields are written back untouched; a Google rating is read as a review.
    expect(out[1]).toMatchObject({
      id: 'r-1',
      needsReply: true,
      category: 'review',
      sentiment: { label: 'positive', score: 1 },
    })
    expect(out[2]).toMatchObject({ category: 'complaint', sentiment: { label: 'negative' } })
  })

  it('reports bad lines by number, keeps going, and exits 1', async () => {
    const { code, out, err } = await run([
      '{"text":"what time do you open"}',
      'not json',
      '{"text":42}',
      '',
      '{"text":"Can I book in for Friday","platform":"myspace"}',
      '{"text":"thanks so much Dr Lee!"}',
    ])
    expect(code).toBe(1)
    expect(out.map((o) => o.text)).toEqual(['what time do you open', 'thanks so much Dr Lee!'])
    expect(err).toMatch(/line 2: not valid JSON/)
    expect(err).toMatch(/line 3: "text": .*string/)
    expect(err).toMatch(/line 5: "platform"/)
    expect(err).not.toMatch(/line 4/)
    expect(err).toMatch(/3 of 6 line\(s\) could not be classified/)
  })

  it('accepts CRLF input', async () => {
    const { code, out } = await run(['{"text":"do you take HCF"}\r', '{"text":"😂😂"}\r'])
    expect(code).toBe(0)
    expect(out.map((o) => o.category)).toEqual(['question', 'chatter'])
  })
})
