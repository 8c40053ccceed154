import { describe, expect, it } from 'vitest'
import { lintReply } from './reply-lint.js'

describe('lintReply', () => {
  it.each([
    [
      'Hi Sam, we saw you on Tuesday and everything looked fine.',
      /confirms the person is a patient/,
    ],
    ['Your results are back, please give us a call.', /results/],
    ['Sorry about the wait during your appointment yesterday.', /appointment/],
    ['As your GP I would suggest coming in.', /patient/],
    ['Dr Lee really enjoyed treating you last week!', /patient/],
    ['We have updated your Medicare number 2123 45670 1 on file.', /identifier/],
    ['Great to hear your diabetes is under control.', /health condition/],
  ])('flags "%s"', (text, problem) => {
    const lint = lintReply(text)
    expect(lint.length).toBeGreaterThan(0)
    expect(lint.join(' ')).toMatch(problem)
  })

  it.each([
    'Thanks for the kind words, we will pass them on to the team!',
    'Sorry to hear this. Please send us a private message so we can look into it.',
    'You can book your appointment online any time.',
    'We are open 8 to 12 on Saturday.',
  ])('passes "%s"', (text) => {
    expect(lintReply(text)).toEqual([])
  })
})
