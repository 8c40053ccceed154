/**
 * @module What the demo's patients and practices write. Templates with slots, mixed with
 * greetings, typos, emoji and missing question marks, so triage meets the texts it will meet in
 * production (questions without "?", health details disclosed in public, spam, chatter).
 */
import type { PracticeProfileForText } from './demo-text-types.js'
import type { Random } from './random.js'

/** The inbound categories the generator draws from (what the writer meant, not triage's verdict). */
export type DemoCategory =
  | 'question'
  | 'booking'
  | 'complaint'
  | 'clinical'
  | 'privacy'
  | 'feedback'
  | 'praise'
  | 'chatter'
  | 'spam'

/** Whether a practice that does its job would reply to a mention the writer meant as `category`. */
export function deservesReply(category: DemoCategory): boolean {
  return category !== 'praise' && category !== 'chatter' && category !== 'spam'
}

const SERVICES: Record<PracticeProfileForText['type'], string[]> = {
  gp: [
    'a flu shot',
    'a skin check',
    'a health assessment',
    'a script renewal',
    'a blood test',
    'travel vaccines',
    'a mental health care plan',
    'a pap smear',
    'a kids immunisation',
  ],
  dental: [
    'a check-up and clean',
    'a filling',
    'teeth whitening',
    'a crown',
    'an Invisalign consult',
    'a wisdom tooth out',
    'a scale and polish',
    'an emergency appointment',
  ],
  physio: [
    'an initial evaluation',
    'dry needling',
    'a sports massage',
    'post-op rehab',
    'a gait analysis',
    'pilates classes',
    'a running assessment',
  ],
  dermatology: [
    'a mole check',
    'a full skin check',
    'an eczema review',
    'acne treatment',
    'a biopsy follow-up',
    'laser for rosacea',
  ],
}

const SYMPTOMS: Record<PracticeProfileForText['type'], string[]> = {
  gp: [
    'a cough that will not go away',
    'chest tightness',
    'a rash on my arm',
    'bad headaches every morning',
    'a fever of 39',
    'dizzy spells',
    'a sore ear',
  ],
  dental: [
    'a throbbing pain in my back tooth',
    'a chipped front tooth',
    'bleeding gums',
    'swelling in my jaw',
    'a lost filling',
    'sensitivity to cold',
  ],
  physio: [
    'lower back pain',
    'a sore knee after running',
    'a stiff neck',
    'shin splints',
    'a rolled ankle',
    'shoulder pain when I lift my arm',
  ],
  dermatology: [
    'a mole that changed colour',
    'a spot that bleeds',
    'itchy patches on my elbows',
    'cystic acne',
    'a scaly spot on my nose',
  ],
}

const MEDS = [
  'ibuprofen',
  'panadol',
  'amoxicillin',
  'antihistamines',
  'my blood pressure tablets',
  'sertraline',
  'the pill',
]

const FIRST_NAMES: Record<PracticeProfileForText['country'], string[]> = {
  AU: [
    'Jess',
    'Liam',
    'Chloe',
    'Mitch',
    'Priya',
    'Tom',
    'Ngaio',
    'Bec',
    'Daniel',
    'Mei',
    'Kylie',
    'Josh',
    'Aroha',
    'Sophie',
    'Brodie',
    'Linh',
  ],
  GB: [
    'Olivia',
    'Harry',
    'Amelia',
    'Oliver',
    'Aisha',
    'George',
    'Niamh',
    'Callum',
    'Fatima',
    'Jack',
    'Poppy',
    'Rhys',
    'Zara',
    'Alfie',
  ],
  US: [
    'Madison',
    'Tyler',
    'Ashley',
    'Carlos',
    'Brittany',
    'Jamal',
    'Kayla',
    'Ethan',
    'Lupita',
    'Ryan',
    'Destiny',
    'Kevin',
    'Hannah',
  ],
}
const LAST_NAMES = [
  'Smith',
  'Nguyen',
  'Williams',
  'Brown',
  'Patel',
  'Kelly',
  'Garcia',
  'Chen',
  'Taylor',
  'Murphy',
  'Singh',
  'Jones',
  'Walker',
  'Lee',
  'Martin',
  'Rossi',
]

const EMOJI_HAPPY = ['😊', '🙏', '👍', '❤️', '🙌', '😍', '✨']
const EMOJI_SAD = ['😡', '😤', '🙄', '😞', '👎']

type Fill = (rng: Random, p: PracticeProfileForText) => string

const service: Fill = (rng, p) => rng.pick(SERVICES[p.type])
const symptom: Fill = (rng, p) => rng.pick(SYMPTOMS[p.type])
const staff: Fill = (rng, p) => rng.pick(p.staff)
const day: Fill = (rng) =>
  rng.pick([
    'Monday',
    'Tuesday',
    'Wednesday',
    'Thursday',
    'Friday',
    'Saturday',
    'tomorrow',
    'this arvo',
    'next week',
  ])
const money: Fill = (rng, p) =>
  p.country === 'AU'
    ? rng.pick(['bulk bill', 'charge a gap fee', 'take Medicare'])
    : p.country === 'GB'
      ? rng.pick(['take NHS patients', 'do NHS check-ups', 'have a payment plan'])
      : rng.pick(['take Blue Cross', 'accept Medicare', 'take my insurance', 'do a cash rate'])

const SLOTS: Record<string, Fill> = {
  service,
  symptom,
  staff,
  day,
  money,
  med: (rng) => rng.pick(MEDS),
}

const INBOUND: Record<DemoCategory, string[]> = {
  question: [
    'do you {money}',
    'Hi there, wondering if you {money} for kids',
    'What time do you close on {day}?',
    'is there parking near you',
    'Do you have any female practitioners',
    'how much is {service}',
    'Hi! Are you open on public holidays?',
    'Can I bring my 2 kids to the same appointment',
    'Is {staff} still working there',
    'Do you speak Mandarin at the clinic? My mum does not speak much English',
    'hi just checking if you are wheelchair accessible',
    'how long does {service} usually take',
    'Any chance you take new patients at the moment',
    'Is there a waitlist for {staff}',
  ],
  booking: [
    'I need to book {service} {day}',
    'Hi can I get in with {staff} {day}? anytime works',
    'Looking to book {service} for my daughter please',
    'Trying to book online but the website keeps crashing. can someone call me back',
    'Id like to make an appointment for {service} asap',
    'Hi, need to reschedule my appointment on {day}, something came up',
    'Can you fit me in {day}? have {symptom}',
    'Please cancel my 10:15 booking on {day}, thanks',
    'hey do you have anything free {day} after 5',
  ],
  complaint: [
    'Waited 50 minutes past my appointment time and nobody said a word. Not good enough',
    'The receptionist was so rude to my mother today. Really disappointed {sad}',
    'Been trying to call for two days and nobody picks up the phone!!',
    'Charged me for a missed appointment I cancelled 3 days ahead. Want a refund',
    'Your online booking double booked me and I took time off work for nothing {sad}',
    'Still waiting on my results from last week, this is ridiculous',
    'Third time my appointment got moved. Seriously considering going elsewhere',
    'Nobody told me about the gap fee until I was at the counter. Not happy',
  ],
  clinical: [
    'Can I take {med} after {service}',
    'is it normal to still have {symptom} 3 days after my appointment',
    'My son has {symptom}, should I bring him in or go to the ED',
    'How long after {service} can I exercise',
    'I have {symptom} since yesterday, is that something to worry about',
    'Should I stop {med} before my procedure on {day}',
  ],
  privacy: [
    'I was diagnosed with depression last month and {staff} put me on sertraline, is it ok to drink on it',
    'My HIV results came back and I need to talk to someone about what it means',
    'Hi, I am 9 weeks pregnant and have been bleeding a bit, can {staff} see me {day}',
    'my name is {name}, DOB 14/03/1988, Medicare 2951 44817 1 - can you send my referral to my email',
    'I have had thoughts of hurting myself lately and I do not know who to talk to',
    'Since my miscarriage in June I have {symptom}, can someone call me on 0412 555 019',
  ],
  feedback: [
    'Would be great if you had later appointments for people who work 9 to 5',
    'Suggestion: text reminders the day before would really help',
    'The new waiting room looks great but it is freezing in there',
    'Your website still shows the old opening hours btw',
    'Could you add online payment? had to queue 15 min just to pay',
  ],
  praise: [
    'Thank you {staff}! Best care we have ever had {happy}',
    'So grateful to the whole team today {happy}{happy}',
    'Honestly the nicest clinic in town',
    '{staff} is amazing, so gentle and patient with my kids {happy}',
    'Painless {service}, did not feel a thing. Thank you!',
    'Love this place {happy}',
  ],
  chatter: [
    '@{friend} look, this is the one I told you about',
    '@{friend} @{friend2} we should all go together lol',
    'haha that photo {happy}',
    'Cute team pic!',
    'Go the Swans!',
    '@{friend} you need this',
    'first',
    '{happy}{happy}{happy}',
  ],
  spam: [
    'Make $5000 a week from home!! DM me to find out how 💰💰',
    'Want more followers? We grow your page FAST. Check our bio',
    'CRYPTO SIGNALS 🚀 join t.me/xxsignalsxx now',
    'Hello dear I am looking for a serious relationship, message me',
    'Your page has violated our community standards. Verify your account here: bit.ly/fb-verify-page',
    'Cheap designer sunglasses 80% off 😎 link in bio',
  ],
}

const REVIEWS: Record<1 | 2 | 3 | 4 | 5, string[]> = {
  5: [
    'Fantastic practice. {staff} took the time to listen and explain everything. Highly recommend',
    'Best experience I have had, friendly front desk and no waiting',
    'Five stars for {staff}, always gentle and thorough {happy}',
    'Easy online booking, on time, lovely staff. What more could you want',
    '',
  ],
  4: [
    'Great care from {staff}, only downside is the parking',
    'Good clinic, a bit of a wait but worth it',
    'Very professional. Prices are a little high for {service}',
    '',
  ],
  3: [
    'Fine but the wait times are getting long',
    'Doctor was good, reception not so much',
    'Average. Got what I needed',
  ],
  2: [
    'Waited over an hour and was rushed through in 5 minutes',
    'Hard to get an appointment and nobody returns calls',
    'Was charged more than quoted for {service}',
  ],
  1: [
    'Rude reception and my appointment was cancelled without notice. Avoid',
    'Terrible. Nobody answers the phone or messages {sad}',
    'Misdiagnosed and then charged for the follow-up. Never again',
  ],
}

const OWN_POSTS: Record<PracticeProfileForText['type'], string[]> = {
  gp: [
    'Flu season is here 💉 Book your flu shot online or call {phone}',
    'Welcome {staff} to the team! Now taking new patients',
    'Reminder: we are open late on Thursdays until 8pm',
    'Skin cancer checks save lives ☀️ Book yours today',
    'Our clinic will be closed on the public holiday. For urgent care call 000 or visit your nearest ED',
    'Did you know we offer telehealth appointments? Book online',
  ],
  dental: [
    'Smile of the week 😁 Another happy Invisalign patient',
    'Meet {staff}, our newest dentist',
    'Tip: replace your toothbrush every 3 months 🪥',
    'Emergency appointments available daily, call {phone}',
    'Half term is here, book the kids in for a check-up',
  ],
  physio: [
    'Grand opening special: 20% off your first session!',
    'Meet our team: {staff} specialises in sports injuries',
    'Stretch of the week: hamstring edition',
  ],
  dermatology: [
    'UV index is extreme today ☀️ Slip slop slap and seek shade',
    'What to look for in a mole: the ABCDE guide',
    'Welcome {staff}, now consulting Tuesdays and Thursdays',
    'New: full-body skin checks with dermoscopy',
    'We are hiring a practice nurse, apply via our website',
  ],
}

/** A person's display name for the practice's country. */
export function authorName(rng: Random, country: PracticeProfileForText['country']): string {
  return `${rng.pick(FIRST_NAMES[country])} ${rng.pick(LAST_NAMES)}`
}

/** What a member of the public writes, meaning `category`. */
export function inboundText(
  rng: Random,
  category: DemoCategory,
  p: PracticeProfileForText,
  author: string,
): string {
  return decorate(rng, fill(rng, rng.pick(INBOUND[category]), p, author), category)
}

/** A review's text for a star rating (some reviews have stars only). */
export function reviewText(
  rng: Random,
  rating: 1 | 2 | 3 | 4 | 5,
  p: PracticeProfileForText,
  author: string,
): string {
  return fill(rng, rng.pick(REVIEWS[rating]), p, author)
}

/** A second message from someone still waiting. */
export function followUpText(rng: Random): string {
  return rng.pick([
    'hello??',
    'Anyone there',
    'Hi, just following up on my message above',
    'still waiting on a reply...',
    '?',
    'Can someone please get back to me',
  ])
}

/** What a patient says after being answered (needs no reply). */
export function thanksText(rng: Random): string {
  return rng.pick([
    'Thanks!',
    'Perfect, thank you 🙏',
    'great thanks',
    'Thank you so much',
    'ok thanks 👍',
    'Legend, thanks',
  ])
}

/** The practice's reply to a mention meant as `category`. */
export function replyText(
  rng: Random,
  category: DemoCategory | 'review',
  p: PracticeProfileForText,
  firstName: string,
  rating?: number,
): string {
  const hi = rng.pick([
    `Hi ${firstName},`,
    `Hi ${firstName}!`,
    `Hello ${firstName},`,
    `Thanks ${firstName},`,
  ])
  switch (category) {
    case 'privacy':
    case 'clinical':
      return `${hi} to protect your privacy we have sent you a private message. If it is urgent please call us on ${p.phone}${p.country === 'AU' ? ' or 000 in an emergency' : p.country === 'GB' ? ' or NHS 111' : ' or 911 in an emergency'}.`
    case 'complaint':
      return `${hi} we are really sorry to hear this. Our practice manager would like to make it right; please send us a message with your details.`
    case 'booking':
      return `${hi} ${rng.pick(['we have sent you a message with available times.', 'you can book online or call us on ' + p.phone + '.', 'all done, see you then!'])}`
    case 'review':
      return rating !== undefined && rating <= 3
        ? `${hi} thank you for your feedback. We are sorry we fell short and would love to hear more: please call us on ${p.phone}.`
        : `${hi} thank you so much for the kind review, we will pass it on to the team!`
    case 'praise':
    case 'chatter':
      return `${hi} ${rng.pick(['thank you so much, that means a lot to the team! 😊', 'thanks for the love! 💙', 'you made our day, thank you!'])}`
    case 'feedback':
      return `${hi} thanks for the suggestion, we have passed it on to the team.`
    default:
      return `${hi} ${rng.pick(['great question! Yes we do.', 'yes, please give us a call and we can help.', 'we have sent you a message with the details.', 'thanks for asking, all the details are on our website.'])}`
  }
}

/** The practice's instant Messenger reply (an auto-reply: it does not count as a response). */
export function autoReplyText(): string {
  return 'Thanks for your message! Our team replies within one business day. For emergencies call 000.'
}

/** One of the practice's own posts. */
export function ownPostText(rng: Random, p: PracticeProfileForText): string {
  return fill(rng, rng.pick(OWN_POSTS[p.type]), p, '')
}

function fill(rng: Random, template: string, p: PracticeProfileForText, author: string): string {
  return template.replace(/\{(\w+)\}/g, (_, slot: string) => {
    if (slot === 'name') return author || authorName(rng, p.country)
    if (slot === 'phone') return p.phone
    if (slot === 'happy') return rng.pick(EMOJI_HAPPY)
    if (slot === 'sad') return rng.pick(EMOJI_SAD)
    if (slot === 'friend' || slot === 'friend2')
      return rng.pick(FIRST_NAMES[p.country]).toLowerCase() + rng.int(1, 99)
    const f = SLOTS[slot]
    return f ? f(rng, p) : slot
  })
}

/** Greetings, sign-offs, lower case and emoji: people do not write like templates. */
function decorate(rng: Random, text: string, category: DemoCategory): string {
  if (category === 'spam' || category === 'chatter') return text
  let out = text
  if (rng.chance(0.25))
    out = rng.pick(['Hi, ', 'Hello ', 'Hey ', 'Good morning, ']) + lowerFirst(out)
  if (rng.chance(0.15)) out = out.toLowerCase()
  if (rng.chance(0.2)) out += rng.pick([' thanks', ' thank you', ' cheers', ' ta', ' pls'])
  if (category === 'praise' && rng.chance(0.3)) out += ` ${rng.pick(EMOJI_HAPPY)}`
  if (category === 'complaint' && rng.chance(0.2)) out += ` ${rng.pick(EMOJI_SAD)}`
  return out
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1)
}
