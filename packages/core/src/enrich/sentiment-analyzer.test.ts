import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { prepareText } from './prepare-text.js'
import { afinnAnalyzer, compiledAfinnAnalyzer, hasLexiconEntry } from './sentiment-analyzer.js'

const clinicTexts: string[] = readFileSync(
  new URL('../../eval/clinic-mentions.jsonl', import.meta.url),
  'utf8',
)
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => (JSON.parse(l) as { text: string }).text)

describe('compiledAfinnAnalyzer', () => {
  it('agrees with the sentiment-package analyzer on every clinic mention', () => {
    for (const text of clinicTexts) {
      const prep = prepareText(text)
      const reference = afinnAnalyzer.analyze(prep.prepared)
      expect(compiledAfinnAnalyzer.analyzeTokens!(prep.tokens)).toEqual(reference)
      expect(compiledAfinnAnalyzer.analyze(prep.prepared)).toEqual(reference)
    }
  })

  it('agrees with the sentiment-package analyzer on arbitrary text', () => {
    const words = fc.constantFrom(
      'not',
      'very',
      'good',
      'bad',
      'but',
      'rude',
      'painless',
      'never',
      'so',
      'welcome',
      'wait',
      'a bit',
      'pricey',
      '!',
      ',',
      '.',
      '#love',
      '😡',
      '❤️',
      ':)',
      'cant fault',
      'at all',
      'THE',
      '\t',
    )
    fc.assert(
      fc.property(fc.array(fc.oneof(words, fc.string()), { maxLength: 25 }), (parts) => {
        const prep = prepareText(parts.join(' '))
        expect(compiledAfinnAnalyzer.analyzeTokens!(prep.tokens)).toEqual(
          afinnAnalyzer.analyze(prep.prepared),
        )
      }),
      { numRuns: 500 },
    )
  })

  it('knows the health lexicon and AFINN multi-word entries', () => {
    expect(hasLexiconEntry('painless')).toBe(true)
    expect(hasLexiconEntry('gap-fee')).toBe(true)
    expect(hasLexiconEntry('fed-up')).toBe(true)
    expect(hasLexiconEntry('doctor')).toBe(false)
  })
})
