import { describe, expect, it } from 'vitest'
import type { MentionKind, Platform } from '../model/vocabulary.js'
import type { EnrichInput, ThreadContextItem } from './enricher.js'
import { triage } from './triage.js'

function mention(
  text: string,
  extra: Partial<EnrichInput> & { platform?: Platform; kind?: MentionKind } = {},
): EnrichInput {
  return { text, platform: 'facebook', kind: 'comment', direction: 'inbound', ...extra }
}

const at = (minute: number) => new Date(Date.UTC(2026, 2, 3, 9, minute))

describe('triage: questions', () => {
  it.each([
    'do u bulk bill on saturdays',
    'anyone know if they bulk bill kids',
    'Hi there just wondering if Dr Nguyen is still working at the clinic',
    'how much is a scale and clean without insurance',
    'what time do you open tomorrow',
    'Hello, do you accept Bupa extras for physio',
    'Love this! Do you do teeth whitening for under 18s',
    'Got it thanks. Also do you have my new address on file',
    'Does Dr. Patel do vasectomies or is that a referral thing',
    'Is it $50 for students or did that change',
    'do yous do bulk billing for concession card holders',
    'Hi, just checking you received my referral from the hospital',
    "If I'm on a health care card is it free",
  ])('needs a reply without a question mark: %s', (text) => {
    const r = triage(mention(text))
    expect(r.needsReply).toBe(true)
    expect(r.category).toBe('question')
    expect(r.reasons.join(' ')).toMatch(/question/)
  })

  it('does not take a statement for a question', () => {
    expect(
      triage(mention('Average. Did the job.', { platform: 'google', kind: 'review', rating: 3 }))
        .category,
    ).toBe('review')
    expect(triage(mention('What a lovely team')).category).toBe('praise')
    expect(triage(mention('I dreaded coming but everyone was so kind')).category).toBe('praise')
  })
})

describe('triage: booking and call-backs', () => {
  it.each([
    'Can I book in for a cleaning next week, any day after 3pm',
    'pls call me back re my daughters appt',
    'any appointments left today? my son needs a check up',
    'I need to reschedule my appointment on thursday',
    "I'm running 10 minutes late for my appointment, sorry",
    'can you squeeze me in this week for a clean',
    "I'd like an appointment for a skin check please",
    "Hi, my appointment is at 2 but I'll be a few minutes late, traffic is bad",
    'Looking for an appointment for a dental cleaning sometime next week',
    'need a pap smear appt with a female dr asap',
  ])('%s', (text) => {
    const r = triage(mention(text))
    expect(r.category).toBe('booking')
    expect(r.needsReply).toBe(true)
  })

  it('keeps "do I need to book" a question', () => {
    expect(triage(mention('How far in advance do I need to book for hydro')).category).toBe(
      'question',
    )
  })
})

describe('triage: complaints', () => {
  it.each([
    'how is it acceptable to wait 2 hours?',
    'great, another 2 hour wait 🙄',
    'been on hold for 45 minutes. 45. Is anyone actually working today',
    'Why is it impossible to get through on your phone line?? Absolute joke',
    'so glad i took the morning off work to sit in your waiting room for 90 mins. brilliant',
    'Three times I have asked for my records to be transferred. Three times.',
    'so i waited 6 weeks for this appointment and you cancel the day before. cool cool cool',
    'my mum has been trying to get a home visit for 2 weeks, nobody rings back',
    '$180 for a 10 minute consult is daylight robbery',
    'absolute shambles today. Nobody knew where my booking went',
    "I've been sitting here for 45 mins past my appointment time, is this normal for you guys?",
    'why is your phone line always engaged. every single day',
    "it's not rocket science to call people back",
    "@CityGP I've left 3 voicemails. Please respond.",
    "Honestly expected better. Doctor didn't even look up from the screen.",
    'Third cancellation this month. I give up.',
    'Rang at 8:01 and all appointments were gone. Every day this week.',
    'Do better.',
    'Waited all morning for a call that never came',
    'Been on the waitlist for 4 months now. Not good.',
    'Why do I have to pay for a letter that the doctor wrote wrong in the first place',
    "how do you lose someone's xrays",
    'Great doctor, shame it takes a month to see him',
    'Dr was running late which is fine but nobody bothered to tell us for an hour',
    'cancelled on AGAIN. last time i book with you lot',
    'This is the 4th time my appointment has been moved. Seriously considering going elsewhere',
    "been waiting since 9 for my 9:15 appt it's now 10:30 😤",
    'why did nobody tell me the dr was away, wasted my whole morning',
    'The dentist was lovely but the billing has been an absolute nightmare',
  ])('%s', (text) => {
    const r = triage(mention(text))
    expect(r.category).toBe('complaint')
    expect(r.needsReply).toBe(true)
  })

  it('does not read "no complaints" as a complaint', () => {
    const r = triage(mention('no complaints here, always on time'))
    expect(r.category).toBe('praise')
    expect(r.needsReply).toBe(false)
  })
})

describe('triage: clinical and urgent', () => {
  it.each([
    'is it normal for my gums to bleed a week after a deep clean',
    'Can I take ibuprofen before my physio session tomorrow',
    'how long should the numbness last after a filling',
    'my knee is clicking again after the rehab exercises, should I stop doing them',
    'Should I still come in for my cleaning if I have a cold?',
    'is swelling on day 3 after wisdom teeth normal?',
    'I think I sprained my ankle playing netball, should I ice it or come in',
  ])('clinical question: %s', (text) => {
    const r = triage(mention(text, { kind: 'message' }))
    expect(r.category).toBe('clinical')
    expect(r.urgent).toBe(false)
  })

  it.each([
    "I've had crushing chest pain for 20 minutes and my left arm feels heavy",
    'my face and throat are swelling up after the antibiotics',
    'had a tooth out yesterday and it wont stop bleeding',
    'My husband had the injection today and now he is struggling to breathe',
    'I took too many of the tablets the doctor gave me and I feel really dizzy',
    'my wife just collapsed and isnt responding properly',
    'my toddler swallowed a small magnet, what do i do',
    "I don't want to be here anymore",
    "her lips have gone blue and she's breathing really fast",
    "my friend took something and he's not waking up, help",
    'my baby has a rash that does not fade when I press a glass on it',
  ])('urgent: %s', (text) => {
    const r = triage(mention(text, { kind: 'message' }))
    expect(r.urgent).toBe(true)
    expect(r.category).toBe('clinical')
    expect(r.needsReply).toBe(true)
    expect(r.reasons.join(' ')).toMatch(/urgent/)
  })

  it('is not urgent when the symptom is denied', () => {
    expect(
      triage(mention('no chest pain, just a bit of a cough, should I come in', { kind: 'message' }))
        .urgent,
    ).toBe(false)
  })
})

describe('triage: privacy', () => {
  it.each([
    ['My Medicare number is 2123 45670 1, can you check my referral', /Medicare/],
    ['my DOB is 14/03/1986, are my blood test results back', /date of birth/],
    ['I was diagnosed with type 2 diabetes last month, do you have a dietitian', /diagnosis/],
    ["I'm on 50mg sertraline and my script has expired", /medication/],
    ['please call me on 0412 345 678 about my MRI results', /phone/],
    ['NHS number 485 777 3456, still no letter', /NHS/],
    ["I'm on methotrexate for my RA, can I still get the shingles vaccine", /medication|diagnosis/],
  ])('flags public disclosure: %s', (text, reason) => {
    const r = triage(mention(text))
    expect(r.privacy).toBe(true)
    expect(r.category).toBe('privacy')
    expect(r.needsReply).toBe(true)
    expect(r.reasons.join(' ')).toMatch(reason)
  })

  it('does not flag the same details in a private message', () => {
    const r = triage(
      mention('My Medicare number is 2123 45670 1, can you check my referral', { kind: 'message' }),
    )
    expect(r.privacy).toBe(false)
  })

  it('does not flag a general question about a condition', () => {
    expect(triage(mention('do you have a dietitian for diabetes education')).privacy).toBe(false)
  })
})

describe('triage: spam, friend tags and chatter', () => {
  it.each([
    'Earn $5000 a week working from home!! DM me to find out how 💰',
    'Get 10k followers fast, cheap and safe',
    'Congratulations you have been selected for a $500 gift card, claim here bit.ly/xyz',
    'Make $$$ from home with this one simple trick',
    'Hi there! I can get you 1000+ 5 star Google reviews, message me',
    'follow me for daily motivation 🔥',
    'ATTENTION: Your page will be deleted. Verify your account here',
    'Hey check out my new whitening kit, DM for 20% off',
  ])('spam: %s', (text) => {
    const r = triage(mention(text))
    expect(r.category).toBe('spam')
    expect(r.needsReply).toBe(false)
  })

  it.each([
    '@sarah look',
    'Tom Baker',
    '@jess_m this is where I got my teeth done 😍',
    '😂😂😂',
    'who else is here from tiktok',
    'first comment yay',
  ])('chatter: %s', (text) => {
    const r = triage(mention(text, { platform: 'instagram' }))
    expect(r.category).toBe('chatter')
    expect(r.needsReply).toBe(false)
  })

  it('reads a Facebook name tag but not "Dr James is a legend"', () => {
    expect(triage(mention('Jess Taylor this is where I go')).category).toBe('chatter')
    expect(triage(mention('Dr James is an absolute legend')).category).toBe('praise')
    expect(triage(mention('Bec Harris remember this place?')).category).toBe('chatter')
    expect(triage(mention('@Nat did you end up going')).category).toBe('chatter')
  })

  it('still answers a friend tag that asks the practice something', () => {
    expect(triage(mention('@sarah do they bulk bill kids')).needsReply).toBe(true)
  })
})

describe('triage: thread context', () => {
  const thread: ThreadContextItem[] = [
    { direction: 'inbound', text: 'do you bulk bill kids', createdAt: at(0) },
    { direction: 'outbound', text: 'Yes, all children under 16.', createdAt: at(5) },
  ]

  it('needs no reply for "thanks!" after the practice replied', () => {
    const r = triage(mention('thanks!', { thread }))
    expect(r.needsReply).toBe(false)
    expect(r.category).toBe('chatter')
    expect(r.reasons.join(' ')).toMatch(/after the practice replied/)
  })

  it.each(['thanks', 'thanks!', '👍', 'cheers mate'])(
    'needs no reply for a private %s, with or without the answer in the thread',
    (text) => {
      expect(triage(mention(text, { kind: 'message' }))).toMatchObject({
        needsReply: false,
        category: 'chatter',
      })
      expect(triage(mention(text, { kind: 'message', thread })).needsReply).toBe(false)
    },
  )

  it.each(['hi', 'hello?', 'Hey there 👋'])('answers a private %s that opens a chat', (text) => {
    expect(triage(mention(text, { kind: 'message' }))).toMatchObject({
      needsReply: true,
      category: 'question',
    })
  })

  it('treats a public first "thanks" as praise', () => {
    expect(triage(mention('thanks so much to the whole team')).category).toBe('praise')
  })

  it('answers a new question after the practice replied', () => {
    const r = triage(mention('thanks, can you put me in for 3pm then', { kind: 'message', thread }))
    expect(r.needsReply).toBe(true)
    expect(r.category).toBe('booking')
  })
})

describe('triage: reviews', () => {
  it('needs a reply for a 5★ Google review with no text', () => {
    const r = triage(mention('', { platform: 'google', kind: 'review', rating: 5 }))
    expect(r.needsReply).toBe(true)
    expect(r.category).toBe('review')
  })

  it('needs a reply for a glowing Google review', () => {
    const r = triage(
      mention('Amazing experience, painless!', { platform: 'google', kind: 'review', rating: 5 }),
    )
    expect(r).toMatchObject({ needsReply: true, category: 'review' })
  })

  it('flags a public pregnancy disclosure with bleeding as urgent and private', () => {
    const r = triage(mention("I'm 8 weeks pregnant and bleeding a little, can I get in today"))
    expect(r).toMatchObject({ urgent: true, privacy: true, category: 'clinical', needsReply: true })
  })

  it('does not call a health-fund claim question spam', () => {
    const r = triage(mention('Can I claim it on my health fund?'))
    expect(r).toMatchObject({ category: 'question', needsReply: true })
  })

  it('needs a reply for praise only on a Google review', () => {
    const text = 'Dr Lee was wonderful with my nervous son, thank you'
    expect(triage(mention(text, { platform: 'google', kind: 'review', rating: 5 }))).toMatchObject({
      needsReply: true,
    })
    expect(
      triage(mention(text, { platform: 'facebook', kind: 'review', rating: 5 })),
    ).toMatchObject({ needsReply: false, category: 'praise' })
  })

  it('does not answer spam left as a Google review', () => {
    const r = triage(
      mention('Great SEO services, visit our website', {
        platform: 'google',
        kind: 'review',
        rating: 5,
      }),
    )
    expect(r).toMatchObject({ needsReply: false, category: 'spam' })
  })

  it('files a negative review as a complaint', () => {
    const r = triage(
      mention('Waited 2 hours and no one apologised. Never again.', {
        platform: 'google',
        kind: 'review',
        rating: 1,
      }),
    )
    expect(r.category).toBe('complaint')
  })
})

describe('triage: feedback', () => {
  it.each([
    'would be good if you had some appointments after 5 for people who work',
    'heads up your website still says you are closed on saturdays',
    'Might be worth adding a ramp at the side entrance, hard with a pram',
    'would be nice to get an sms when the doctor is running late',
    'Would love to see more evening appointments for working parents',
    'Might be good to have a water fountain in the waiting room, it gets hot',
    'The lift has been out of order for a week, hard for the elderly patients',
    'Your online form asks for my Medicare number twice, bit annoying',
    'Your Google Maps pin is in the wrong spot btw',
    'Love you guys but please fix the online booking, it keeps crashing',
    'great service but the chairs in the waiting room are really uncomfortable',
  ])('%s', (text) => {
    expect(triage(mention(text)).category).toBe('feedback')
  })
})

describe('triage: outbound', () => {
  it('never asks the practice to reply to itself', () => {
    const r = triage(mention('Thanks for the lovely review!', { direction: 'outbound' }))
    expect(r.needsReply).toBe(false)
    expect(r.category).toBeUndefined()
  })
})
