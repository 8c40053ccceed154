import { describe, expect, it } from 'vitest'
import { analyzeSentiment } from './analyze-sentiment.js'

const label = (text: string, rating?: number) => analyzeSentiment(text, { rating }).label
const score = (text: string) => analyzeSentiment(text).score

describe('analyzeSentiment', () => {
  it('keeps scores in [-1, 1] and confidence in [0, 1]', () => {
    for (const text of [
      '',
      'AMAZING!!!! best best best 😍😍😍',
      'worst rude awful disgusting 😡😡',
    ]) {
      const r = analyzeSentiment(text)
      expect(r.score).toBeGreaterThanOrEqual(-1)
      expect(r.score).toBeLessThanOrEqual(1)
      expect(r.confidence).toBeGreaterThan(0)
      expect(r.confidence).toBeLessThanOrEqual(1)
    }
  })

  it('scores the health-practice lexicon', () => {
    expect(label('Painless, gentle and thorough')).toBe('positive')
    expect(label('the receptionist was rude and the doctor seemed rushed')).toBe('negative')
    expect(label('Overcharged, and then a $90 gap fee on top')).toBe('negative')
    expect(label('Friendly receptionists, spotless clinic, bulk billed')).toBe('positive')
  })

  it('does not read symptoms and requests as feelings', () => {
    expect(label('do u bulk bill on saturdays')).toBe('neutral')
    expect(label('Is it ok to exercise after the flu vaccine')).toBe('neutral')
    expect(label('please call me back about my booking')).toBe('neutral')
    expect(label('can I book in for a check up with a new patient form')).toBe('neutral')
  })

  it('negates within the clause only', () => {
    expect(label('not happy at all')).toBe('negative')
    expect(label('not bad at all, painless and quick')).toBe('positive')
    expect(label('Would not recommend.')).toBe('negative')
    expect(label("I've never felt so welcome at a dentist")).toBe('positive')
    expect(label('No complaints, always on time')).toBe('positive')
    expect(label('my smile has never looked better 😁')).toBe('positive')
    // The negation ends at the comma: "great" is not negated.
    expect(score("didn't expect much, great visit")).toBeGreaterThan(0.3)
  })

  it('reads "can\'t recommend them enough" as praise', () => {
    expect(label("Couldn't recommend this place enough")).toBe('positive')
    expect(label("Can't recommend them highly enough!")).toBe('positive')
    expect(label("Can't say enough good things about this place")).toBe('positive')
    expect(label("Couldn't recommend more highly")).toBe('positive')
    expect(label("can't fault them")).toBe('positive')
  })

  it('intensifies and dampens', () => {
    expect(score('the staff were very friendly')).toBeGreaterThan(score('the staff were friendly'))
    expect(score('a bit pricey')).toBeGreaterThan(score('pricey'))
  })

  it('weighs the clause after "but"', () => {
    expect(label('Lovely staff but the billing has been an absolute nightmare')).toBe('negative')
    expect(label('I was nervous but the team made me feel so comfortable')).toBe('positive')
  })

  it('reads emoji and emoticons', () => {
    expect(label('appointment moved again 😡')).toBe('negative')
    expect(label('all done :)')).toBe('positive')
    expect(label('see you thursday :(')).toBe('negative')
    expect(label('Dr Sarah ❤️')).toBe('positive')
  })

  it('flips praise words used sarcastically', () => {
    const r = analyzeSentiment('great, another 2 hour wait 🙄')
    expect(r.label).toBe('negative')
    expect(r.sarcasm).toBe('🙄')
    expect(label('love waiting 2 hours for a 5 minute appointment 👏👏')).toBe('negative')
    expect(label('oh great, the phones are down again')).toBe('negative')
    expect(label('thanks for losing my referral. again.')).toBe('negative')
    expect(label('fantastic, another cancellation text 20 min before my appt')).toBe('negative')
  })

  it('treats a long wait as a complaint even without sentiment words', () => {
    expect(label('sat in the waiting room for 70 mins')).toBe('negative')
  })

  it('amplifies capitals and exclamation marks', () => {
    expect(score('the service was terrible')).toBeGreaterThan(score('the service was TERRIBLE!!!'))
    expect(score('so good!!!')).toBeGreaterThan(score('so good'))
    // Acronyms are not shouting.
    expect(score('good NHS GP')).toBe(score('good nhs gp'))
  })

  it('accepts Australian, British and American spellings alike', () => {
    expect(score('they apologised')).toBe(score('they apologized'))
    expect(score('my favourite clinic')).toBe(score('my favorite clinic'))
    expect(score('so disorganised')).toBe(score('so disorganized'))
    expect(label('they cancelled on me twice')).toBe(label('they canceled on me twice'))
  })

  it('combines the star rating with the text', () => {
    expect(label('', 5)).toBe('positive')
    expect(label('', 1)).toBe('negative')
    expect(label('', 3)).toBe('neutral')
    expect(label('Clinic is easy to find, parking underneath.', 4)).toBe('positive')
    expect(analyzeSentiment('Great', { rating: 1 }).score).toBeLessThan(
      analyzeSentiment('Great', { rating: 5 }).score,
    )
  })

  it('decodes JSON escapes left in exported text', () => {
    expect(label('I don\\u2019t like it')).toBe(label('I don’t like it'))
  })
})
