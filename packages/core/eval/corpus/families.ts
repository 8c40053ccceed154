/**
 * @module Paraphrase families for the generated clinic corpus. A family is one intent written
 * many ways: templates with inline alternatives `{a|b|}` and named slots `{$slot}`. Labels come
 * from the family and the channel (see LABELLING.md beside this file). Families, not rows, are
 * split between tune and report.
 */

export type Intent =
  | 'question'
  | 'booking'
  | 'complaint'
  | 'clinical'
  | 'privacy'
  | 'feedback'
  | 'praise'
  | 'chatter'
  | 'spam'
  | 'ack'
  | 'greeting'
  | 'urgent'

/** Where a family's rows may appear. */
export type Reach = 'public' | 'private' | 'any' | 'review'

export interface Family {
  id: string
  intent: Intent
  sentiment: 'negative' | 'neutral' | 'positive'
  reach: Reach
  /** Also generated as reviews (Google and Facebook), with this star rating. */
  review?: number
  /**
   * A row whose text matches `pattern` (case-insensitive) is labelled `sentiment` instead of the
   * family's: for families where only some wordings carry a feeling (an urgent report is neutral
   * unless it cries for help).
   */
  sentimentIf?: { pattern: string; sentiment: 'negative' | 'neutral' | 'positive' }
  /**
   * A fixed split. Families added after the first split set it, so that adding them does not
   * move the existing families between tune and report (the split is by hash order per intent).
   */
  split?: 'tune' | 'report'
  templates: string[]
}

export const SLOTS: Record<string, string[]> = {
  doctor: [
    'Dr Patel',
    'Dr Nguyen',
    'Dr Okafor',
    'Dr Lindqvist',
    'Dr Hughes',
    'Dr Rossi',
    'the doctor',
    'the GP',
    'Dr Amira',
    'Dr Fitzgerald',
  ],
  staffer: [
    'the receptionist',
    'the nurse',
    'the hygienist',
    'the physio',
    'the lady at the front desk',
    'the admin team',
    'the practice manager',
  ],
  kid: [
    'my son',
    'my daughter',
    'my toddler',
    'our baby',
    'my 3 year old',
    'my little boy',
    'my little girl',
    'our youngest',
    'my 18 month old',
  ],
  adult: [
    'my husband',
    'my wife',
    'my partner',
    'my mum',
    'my dad',
    'my nan',
    'my grandad',
    'my flatmate',
    'my brother',
    'my sister',
  ],
  day: [
    'monday',
    'tuesday',
    'wednesday',
    'thursday',
    'friday',
    'saturday',
    'sunday',
    'tomorrow',
    'today',
    'next week',
  ],
  time: [
    '9am',
    '10.30',
    '2pm',
    'quarter past 4',
    'after 5',
    'first thing',
    'lunchtime',
    'late arvo',
  ],
  service: [
    'flu shots',
    'skin checks',
    'pap smears',
    'a teeth whitening',
    'dry needling',
    'covid boosters',
    'travel vaccines',
    'ear syringing',
    'a mental health plan',
    'a driver medical',
    'hearing tests',
    'a sports massage',
  ],
  treatment: [
    'extraction',
    'filling',
    'root canal',
    'wisdom tooth removal',
    'knee injection',
    'mole removal',
    'vasectomy',
    'implant',
    'physio session',
    'stitches',
  ],
  med: [
    'ibuprofen',
    'nurofen',
    'panadol',
    'paracetamol',
    'antihistamines',
    'the antibiotics',
    'codeine',
    'my blood pressure tablets',
  ],
  symptom: [
    'a dull ache',
    'some swelling',
    'a throbbing feeling',
    'a bit of redness',
    'numbness',
    'a metallic taste',
    'a clicking noise',
    'some bruising',
  ],
  wait: [
    '45 minutes',
    'an hour and a half',
    'over two hours',
    '70 mins',
    'nearly 3 hours',
    'forty minutes',
  ],
  fund: ['Bupa', 'Medibank', 'HCF', 'NIB', 'my health fund', 'my private cover', 'my insurance'],
  condition: [
    'type 1 diabetes',
    'breast cancer',
    'bipolar disorder',
    'epilepsy',
    'crohns',
    'endometriosis',
    'an eating disorder',
    'hepatitis c',
    'HIV',
    'depression',
    'severe anxiety',
    'ADHD',
  ],
  drug: [
    'sertraline',
    'lexapro',
    'methadone',
    'ozempic',
    'the depo',
    'lithium',
    'seroquel',
    'insulin',
    'prozac',
    'antidepressants',
  ],
  test: [
    'biopsy',
    'mammogram',
    'smear test',
    'blood test',
    'MRI',
    'CT scan',
    'ultrasound',
    'STI test',
  ],
  friend: ['@jess_m', '@tommo88', '@bec.harris', '@dani_k', '@mattyp'],
  emoji: ['😍', '🙌', '❤️', '👏', '😊', '🥰', '💯', '✨'],
  adj: [
    'amazing',
    'wonderful',
    'fantastic',
    'brilliant',
    'so kind',
    'so gentle',
    'incredibly thorough',
    'lovely',
  ],
  place: [
    'Riverside Dental',
    'Northgate Medical',
    'Harbour Physio',
    'the Elm St surgery',
    'Parkview Family Practice',
    'this clinic',
    'this practice',
  ],
}

// Families are grouped by intent; each family is a distinct way of saying it.
export const FAMILIES: Family[] = [
  // ---------------------------------------------------------------- questions
  {
    id: 'q-opening-hours',
    intent: 'question',
    sentiment: 'neutral',
    reach: 'any',
    templates: [
      '{hi |hey |}what {time|hours} {are you open|do you open|do you close} on {$day}{?|}',
      'are you open {on |}{$day}{ morning| arvo|}{?|}',
      '{quick q|quick one}{,|} what time do you shut {on |}{$day}',
      'hours over the public holiday{?|}',
      'r u guys open {$day}',
    ],
  },
  {
    id: 'q-billing',
    intent: 'question',
    sentiment: 'neutral',
    reach: 'any',
    templates: [
      '{do|does} {you|the clinic} bulk bill {kids|pensioners|concession card holders|students|everyone}{?|}',
      'hw much is a {standard|long|regular} consult{?|}',
      'whats the gap {fee |}for a {$treatment}{?|}',
      'is {a $treatment|the initial consult} {covered by medicare|bulk billed|free for under 16s}',
      'how much {would|will} a {$treatment} set me back',
    ],
  },
  {
    id: 'q-health-fund',
    intent: 'question',
    sentiment: 'neutral',
    reach: 'any',
    templates: [
      'can i claim {it|this|the $treatment} on {$fund}{?|}',
      'do you have hicaps{ for $fund|}{?|}',
      'are you {a preferred provider|in network} {for|with} {$fund}{?|}',
      'will {$fund} cover {the $treatment|it} if i {book in|come in} {$day}',
      'claiming on {$fund} on the spot possible{?|}',
    ],
  },
  {
    id: 'q-services',
    intent: 'question',
    sentiment: 'neutral',
    reach: 'any',
    templates: [
      'do you {do|offer|still do} {$service}{?|}',
      '{anyone know|does anyone know} if {$place} does {$service}',
      'is there {a female doctor|someone who speaks mandarin|a doctor who does $service} {at this clinic|there|}{?|}',
      'wondering {if|whether} you {offer|do} {$service} {for kids|on weekends|}',
      'r u still doing {$service}',
    ],
  },
  {
    id: 'q-new-patients',
    intent: 'question',
    sentiment: 'neutral',
    reach: 'any',
    templates: [
      '{are you|is the clinic|is $doctor} taking new patients{?|}',
      'accepting new {patients|families} at the moment{?|}',
      'just moved {to the area|here}, can {we|i} join {the practice|as new patients}{?|}',
      'is {$doctor} still {seeing|accepting} new {patients|people}',
    ],
  },
  {
    id: 'q-logistics',
    intent: 'question',
    sentiment: 'neutral',
    reach: 'any',
    templates: [
      'where {do i|can i} park{ near you|}{?|}',
      'is there {wheelchair access|a lift|parking out the back|a ramp}{?|}',
      'which entrance {is it|do i use} for the {$service|pathology|x ray}',
      'can i {bring|pick up} my {referral|script|results} {in person|from reception}{?|}',
      'do i need a referral {for|to see} {the physio|a specialist|$doctor}{?|}',
      'how long {do|does} {blood test|x ray|biopsy} results {usually |normally |}take',
    ],
  },
  // ---------------------------------------------------------------- bookings
  {
    id: 'b-new-appointment',
    intent: 'booking',
    sentiment: 'neutral',
    reach: 'any',
    templates: [
      'can i {please |pls |}book {in |}{with $doctor|for a $treatment|a check up} {on |for |}{$day}{?|}',
      'id like {to make |}an {appointment|appt} {with $doctor|for $kid} {$day}{ if possible|}',
      'any {appointments|spots|slots} {left |free |}{$day}{?|}',
      'could you {fit|squeeze} me in {$day} {at $time|}{?|}',
      'need to book {$kid|$adult|myself} in for {$service|a check up}',
    ],
  },
  {
    id: 'b-change',
    intent: 'booking',
    sentiment: 'neutral',
    reach: 'any',
    templates: [
      '{i need|can i} {to |}{move|change|reschedule} my {appointment|appt} {from $day|at $time}{ please|}',
      'please cancel my {$time |}{appointment|appt} {$day}{, sorry|}',
      '{running|gonna be|i will be} {10|15|a few} {mins|minutes} late for my {$time |}{appointment|appt}',
      'can {someone|you} {call|ring} me back {about|to sort} my {booking|appointment}',
      'can we push {$kid}s {appointment|appt} to {$day}',
    ],
  },
  // ---------------------------------------------------------------- complaints
  {
    id: 'c-long-wait',
    intent: 'complaint',
    sentiment: 'negative',
    reach: 'any',
    review: 2,
    templates: [
      'waited {$wait} past my appointment time{ and no one said a word| with a sick kid| again|}',
      '{$wait} in the waiting room{.|,} {not good enough|unacceptable|ridiculous}',
      'sat there for {$wait} {and then got rushed out|without an apology|for a 5 minute consult}',
      'why {do|does} every appointment run {$wait} behind',
    ],
  },
  {
    id: 'c-rude-staff',
    intent: 'complaint',
    sentiment: 'negative',
    reach: 'any',
    review: 1,
    templates: [
      '{$staffer} was {so |incredibly |really |}{rude|dismissive|condescending} to {me|$adult|my elderly mum}',
      '{$doctor} {barely listened|brushed me off|didnt even look at me} {and|then} {charged|billed} me {$90|full price}',
      'felt {completely |}{dismissed|ignored|judged} by {$doctor|$staffer}{. never again|. wont be back|}',
      'the attitude of {$staffer} {today |}was {appalling|disgraceful|unprofessional}',
    ],
  },
  {
    id: 'c-admin-failure',
    intent: 'complaint',
    sentiment: 'negative',
    reach: 'any',
    review: 1,
    templates: [
      '{you|the clinic} lost my {referral|results|paperwork} {again|for the second time|}',
      'been charged {twice|the wrong amount} for {one|the same} {visit|consult} {and no one will fix it|}',
      'rang {5|6|ten} times {this morning |today |}and {nobody|no one} picked up',
      'left {three|several|two} messages {and still no|and never got a} call back',
      'my script {still |}hasnt been sent {after|and its been} {a week|four days|ages}',
    ],
  },
  {
    id: 'c-sarcasm',
    intent: 'complaint',
    sentiment: 'negative',
    reach: 'public',
    templates: [
      '{love|great|nothing like} {being|getting} {put on hold|told to ring back} {for|after} {$wait}{. great system| 🙃| brilliant|}',
      'oh {great|wonderful|fantastic}, {another|the} {$wait} wait{. thanks so much| 🙄|}',
      '{47th|32nd|18th} in the phone queue{ again|}. {love it|amazing service|so efficient}',
    ],
  },
  // ---------------------------------------------------------------- clinical questions
  {
    id: 'k-aftercare',
    intent: 'clinical',
    sentiment: 'neutral',
    reach: 'any',
    templates: [
      'is it normal to have {$symptom} {two|three|a few} days after my {$treatment}{?|}',
      'how long should {$symptom|the numbness|the soreness} last after a {$treatment}{?|}',
      'should i be worried about {$symptom} {near|around} the {$treatment|stitches}',
      'still got {$symptom} after the {$treatment}{, is that ok|. is that normal|}',
    ],
  },
  {
    id: 'k-medicine',
    intent: 'clinical',
    sentiment: 'neutral',
    reach: 'any',
    templates: [
      'can i take {$med} {before|after} my {$treatment}{?|}',
      'is it {ok|safe|fine} to {have|take} {$med} with {the antibiotics|alcohol|my other meds}{?|}',
      'what dose of {$med} {is ok|can i give} for {$kid}{?|}',
      'should i {stop|keep} taking {$med} before the {$treatment}',
    ],
  },
  {
    id: 'k-symptom-ask',
    intent: 'clinical',
    sentiment: 'neutral',
    reach: 'any',
    templates: [
      '{$kid} has had a {cough|temperature|rash} for {three|four|two} days{,| -} should {we|i} come in{?|}',
      'my {knee|back|shoulder|jaw} {keeps clicking|is still sore} after {physio|the session}, {should i rest it|is that ok}{?|}',
      'can i {swim|fly|go to the gym|run} {a week after|after} the {$treatment}{?|}',
    ],
  },
  // ---------------------------------------------------------------- privacy (public disclosures)
  {
    id: 'p-diagnosis',
    intent: 'privacy',
    sentiment: 'neutral',
    reach: 'public',
    templates: [
      '{i was|ive been} diagnosed with {$condition} {last year|in march|recently}{, do you have a specialist|, can $doctor help|}',
      '{$adult|$kid} {has|was just diagnosed with} {$condition}{, is there someone there who knows about it|}',
      'as someone with {$condition} i {need|want} a doctor who {gets it|listens}',
      'managing my {$condition} has been hard{, can i see $doctor about it|}',
    ],
  },
  {
    id: 'p-results',
    intent: 'privacy',
    sentiment: 'neutral',
    reach: 'public',
    templates: [
      'still waiting on my {$test} results{, its been two weeks|. any news|}',
      'my {$test} came back {abnormal|positive|with a shadow}{, what now| and no one has called}',
      'are {the|my} {$test} results back for {$adult|me} yet{?|}',
    ],
  },
  {
    id: 'p-medication',
    intent: 'privacy',
    sentiment: 'neutral',
    reach: 'public',
    templates: [
      'im on {$drug} and {need a new script|my script ran out}{, can $doctor do it|}',
      '{$adult} takes {$drug} {daily|every morning}, can he {still |}get {the flu shot|a covid booster}',
      'been on {$drug} for {a year|6 months} now{, need a review|}',
    ],
  },
  {
    id: 'p-identifier',
    intent: 'privacy',
    sentiment: 'neutral',
    reach: 'public',
    templates: [
      'my medicare {number|no} is {2953 71846 2|4102 55673 1|3388 10492 5}{, can you check my file|}',
      '{dob|date of birth} {12/07/1979|03.11.1990|22/1/85}{, surname Kowalski|}{, any results|}',
      'nhs number {485 777 3456|943 476 5919|601 223 8874} {- please update my address|- where is my letter}',
      'call me on {0412 887 301|0433 290 118|07700 900461} {about my results|re the referral}',
    ],
  },
  // ---------------------------------------------------------------- feedback
  {
    id: 'f-suggestion',
    intent: 'feedback',
    sentiment: 'neutral',
    reach: 'any',
    review: 4,
    templates: [
      'would be {great|handy|nice} if {you had|you offered} {online booking|late appointments|a kids corner}',
      'maybe {add|consider} {a reminder text|evening hours|more chairs in the waiting room}',
      '{just a thought|suggestion}: {an sms when the doctor is running late|a drinking fountain} would help',
      'heads up, your {website|google listing} still {says|shows} the old {hours|phone number}',
    ],
  },
  {
    id: 'f-mixed',
    intent: 'feedback',
    sentiment: 'neutral',
    reach: 'any',
    review: 3,
    templates: [
      '{$doctor} is {great|lovely} but {parking|getting through on the phone} is a {nightmare|pain}',
      '{good|nice} clinic but the {waiting room|music} {is too cold|is a bit loud}',
      'the {new rooms look great|staff are friendly} but {the chairs are awful|its hard to get an appointment}',
    ],
  },
  // ---------------------------------------------------------------- praise
  {
    id: 'pr-doctor',
    intent: 'praise',
    sentiment: 'positive',
    reach: 'public',
    review: 5,
    templates: [
      '{$doctor} is {$adj}{!|!!| $emoji}',
      '{huge|massive|big} thanks to {$doctor} for {looking after|being so patient with} {$kid|$adult|me}{ $emoji|}',
      'best {GP|dentist|physio} {ever|in town|weve had}{, $doctor you are $adj|}',
      '{highly|would} recommend {$place|$doctor}{ to anyone|}{ $emoji|}',
    ],
  },
  {
    id: 'pr-visit',
    intent: 'praise',
    sentiment: 'positive',
    reach: 'public',
    review: 5,
    templates: [
      '{painless|quick and easy} {$treatment} today{, thank you|!| $emoji}',
      'in and out in {ten|15} minutes{, love this place|!}',
      'the whole team made {$kid|my nervous mum|me} feel {so welcome|at ease}',
      'five stars{, could not fault a thing|!}',
    ],
  },
  // ---------------------------------------------------------------- chatter
  {
    id: 'ch-friend-tag',
    intent: 'chatter',
    sentiment: 'neutral',
    reach: 'public',
    templates: [
      '{$friend} {look|remember this place|this is where i go}',
      '{$friend} {lol|haha} {thats us|told you}',
      '{$friend} we should {go|book} here',
    ],
  },
  {
    id: 'ch-reaction',
    intent: 'chatter',
    sentiment: 'neutral',
    reach: 'public',
    templates: [
      '{$emoji}',
      '{first|same|me too|lol}{!|}',
      '{haha|lol} {classic|love the photo}',
      '{cute|adorable} {$emoji|}',
    ],
  },
  {
    id: 'ch-private',
    intent: 'chatter',
    sentiment: 'neutral',
    reach: 'private',
    templates: ['{lol|haha|hahaha}', '{👍|👌|😊|🙏}', '{ok|okay|all good|no worries}{!|}'],
  },
  // ---------------------------------------------------------------- ack after an answer
  {
    id: 'a-thanks',
    intent: 'ack',
    sentiment: 'positive',
    reach: 'any',
    templates: [
      '{thanks|thank you|ty|cheers}{!|!!| so much| heaps|}',
      '{perfect|great|awesome|lovely}{, thanks|, thank you|}{!|}',
      '{got it|will do|sounds good}{, thanks|}',
      '{👍|🙏|😊}',
    ],
  },
  // ---------------------------------------------------------------- private greeting openers
  {
    id: 'g-hello',
    intent: 'greeting',
    sentiment: 'neutral',
    reach: 'private',
    templates: [
      '{hi|hello|hey|hiya}{?|!|}',
      '{hello?|anyone there?|is anyone there}',
      '{good morning|morning|hi there}{ 👋|}',
    ],
  },
  // ---------------------------------------------------------------- spam
  {
    id: 's-money',
    intent: 'spam',
    sentiment: 'neutral',
    reach: 'public',
    templates: [
      '{earn|make} {$500|$2000|$5k} a {week|day} from home{, dm me|, link in bio|}',
      'passive income {changed my life|is real}{, ask me how|}',
      '{win a free iphone|claim your free prize} {here|now}{!|}',
    ],
  },
  {
    id: 's-agency',
    intent: 'spam',
    sentiment: 'neutral',
    reach: 'public',
    templates: [
      'we help {clinics|practices} get more {clients|patients}{, dm us|}',
      'your page {needs|could use} {better SEO|more followers}{, check our profile|}',
      'buy {real |}followers {cheap|now}{, visit our site|}',
    ],
  },
  // ---------------------------------------------------------------- urgent (also in the safety set)
  {
    id: 'u-mixed',
    intent: 'urgent',
    // Symptoms described plainly are neutral; a cry for help is expressed distress.
    sentiment: 'neutral',
    sentimentIf: { pattern: '\\bhelp\\b', sentiment: 'negative' },
    reach: 'any',
    templates: [
      '{$adult} has {crushing chest pain|chest pain going down his arm} {right now|and is sweating}{, what do we do|}',
      '{$kid} swallowed a {button battery|magnet|coin} {an hour ago|just now}{, help|}',
      '{$adult} {cant lift her arm|is slurring her words} {and|plus} {her face is drooping|one side of her face has dropped}',
      '{im|i am} {8|10|11} weeks pregnant and {bleeding|spotting heavily}{, what should i do|}',
    ],
  },
]
