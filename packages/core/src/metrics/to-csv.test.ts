import { describe, expect, it } from 'vitest'
import { csvCell, csvLine, csvLines, toCsv } from './to-csv.js'

describe('csvCell', () => {
  it('quotes commas, quotes and line breaks, doubling inner quotes', () => {
    expect(csvCell('plain')).toBe('plain')
    expect(csvCell('a,b')).toBe('"a,b"')
    expect(csvCell('say "hi"')).toBe('"say ""hi"""')
    expect(csvCell('two\nlines')).toBe('"two\nlines"')
    expect(csvCell('cr\rlf')).toBe('"cr\rlf"')
  })

  it('neutralises formula injection in text cells', () => {
    expect(csvCell('=SUM(A1:A9)')).toBe("'=SUM(A1:A9)")
    expect(csvCell('+61 2 9999 0000')).toBe("'+61 2 9999 0000")
    expect(csvCell('-1+1')).toBe("'-1+1")
    expect(csvCell('@cmd')).toBe("'@cmd")
    expect(csvCell('\t=1')).toBe("'\t=1")
    // Prefixed first, then quoted as a whole.
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`)
    expect(csvCell('a=b')).toBe('a=b')
  })

  it('writes numbers, booleans, dates, nulls and objects as data', () => {
    expect(csvCell(-0.5)).toBe('-0.5')
    expect(csvCell(42)).toBe('42')
    expect(csvCell(Number.NaN)).toBe('')
    expect(csvCell(true)).toBe('true')
    expect(csvCell(null)).toBe('')
    expect(csvCell(undefined)).toBe('')
    expect(csvCell(new Date('2026-11-02T01:00:00Z'))).toBe('2026-11-02T01:00:00.000Z')
    expect(csvCell({ a: 'x,y' })).toBe('"{""a"":""x,y""}"')
  })
})

describe('toCsv', () => {
  it('writes a header and CRLF-terminated lines in column order', () => {
    const rows = [
      { id: 'm1', text: 'hello, world', score: -0.5 },
      { id: 'm2', text: '=1+1', score: null },
    ]
    expect(toCsv(rows)).toBe('id,text,score\r\nm1,"hello, world",-0.5\r\nm2,\'=1+1,\r\n')
    expect(toCsv(rows, ['score', 'id'])).toBe('score,id\r\n-0.5,m1\r\n,m2\r\n')
    expect(toCsv([])).toBe('\r\n')
    expect(csvLine(['a', 1, null])).toBe('a,1,')
  })

  it('streams the same text from an async iterable', async () => {
    async function* rows() {
      yield { a: 1, b: 'x' }
      yield { a: 2, b: '@y' }
    }
    let text = ''
    for await (const line of csvLines(rows(), ['a', 'b'])) text += line
    expect(text).toBe(
      toCsv([
        { a: 1, b: 'x' },
        { a: 2, b: '@y' },
      ]),
    )
  })
})
