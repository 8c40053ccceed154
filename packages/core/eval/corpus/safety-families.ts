/**
 * @module The safety set: urgent clinical content in every channel (public, private, reviews)
 * and identifiers disclosed in public. The eval fails on any missed row. Wordings are written
 * independently of the rule cues; add new ones, never delete one to make the eval pass.
 */
import type { Family } from './families.js'

export const SAFETY_FAMILIES: Family[] = [
  {
    id: 'safety-chest',
    intent: 'urgent',
    sentiment: 'negative',
    reach: 'any',
    review: 1,
    templates: [
      '{$adult} {has|is complaining of} {chest pain|a crushing pain in his chest|tightness in the chest} {and is grey|and sweating|right now}',
      '{i have|got} {bad |sharp |}chest pains{ since lunch| and my left arm aches|}, {should i come in|what do i do|}',
      'my chest {feels tight|is really tight|feels heavy} and {i feel sick|its hard to breathe}',
      'pressure {in|across} my chest {for the last hour|that wont go away}',
      '{dad|mum|my husband} thinks {hes|shes} having a heart attack',
    ],
  },
  {
    id: 'safety-breathing',
    intent: 'urgent',
    sentiment: 'negative',
    reach: 'any',
    templates: [
      '{$kid} {is struggling to breathe|cant breathe properly|is gasping for air}',
      '{$adult} {is wheezing badly|has gone blue around the lips|cant catch her breath}',
      '{im|i am} {really |}short of breath {and|with} {dizzy|chest pain}',
      '{$kid}s lips {look blue|are turning blue}',
    ],
  },
  {
    id: 'safety-pregnancy',
    intent: 'urgent',
    sentiment: 'negative',
    reach: 'any',
    review: 1,
    templates: [
      '{im|i am} {6|7|9|12|14} weeks pregnant and {bleeding|spotting|bleeding quite a bit}',
      '{pregnant|expecting} and {started bleeding|bleeding heavily|cramping and bleeding} {this morning|tonight|}',
      '{bleeding|heavy bleeding} at {10|20|8} weeks pregnant{, is this a miscarriage|}',
      'think i might be miscarrying{, what do i do|}',
    ],
  },
  {
    id: 'safety-anaphylaxis',
    intent: 'urgent',
    sentiment: 'negative',
    reach: 'any',
    review: 1,
    templates: [
      '{$kid}s {lips|tongue|face} {are|is} swelling {up |}after {peanuts|a bee sting|the new antibiotic}',
      '{$adult} is having an allergic reaction{, throat feels tight| and hives everywhere|}',
      'had to use the epipen on {$kid}{, what now|}',
      'my throat is {closing|swelling} after {the injection|eating prawns}',
    ],
  },
  {
    id: 'safety-self-harm',
    intent: 'urgent',
    sentiment: 'negative',
    reach: 'any',
    review: 1,
    templates: [
      'ive been having {suicidal thoughts|thoughts about ending my life|thoughts of killing myself}',
      'i dont want to {be here|be alive|wake up} anymore',
      '{i keep|ive started} {hurting|cutting|harming} myself{ again|}',
      '{my teenager|my 15 year old|my son|my daughter|my partner} {said|told me} {they want|they wanted} to {die|end it|kill themselves}',
      'honestly i {cant go on|cant cope anymore|cant do this anymore} and {everyone would be better off without me|i want to end it all}',
      'no reason to live anymore{, need help|}',
    ],
  },
  {
    id: 'safety-swallowed',
    intent: 'urgent',
    sentiment: 'negative',
    reach: 'any',
    templates: [
      '{$kid} {swallowed|has swallowed|just swallowed} a {button battery|battery|magnet|coin}',
      '{$kid} {drank|swallowed} some {bleach|dishwasher liquid|cleaning product}',
      '{$kid} {ate|got into and ate} {some of my tablets|a dishwasher pod|grandmas pills}',
      '{i think|worried} {$kid} {swallowed|ate} one of {the|those} {batteries|magnets} from the {remote|toy}',
    ],
  },
  {
    id: 'safety-stroke',
    intent: 'urgent',
    sentiment: 'negative',
    reach: 'any',
    review: 1,
    templates: [
      '{$adult}s {face is drooping|face has dropped on one side|speech is slurred}',
      '{$adult} {suddenly |}{cant lift her arm|cant move his left arm|has a numb arm} and {is confused|slurring}',
      'i think {$adult} is having a stroke',
      'one side of {his|her} face {looks|is} {droopy|lopsided} and {his|her} words are {jumbled|garbled}',
    ],
  },
  {
    id: 'safety-overdose',
    intent: 'urgent',
    sentiment: 'negative',
    reach: 'any',
    templates: [
      '{i|$adult} {took|has taken} too many {panadol|sleeping tablets|of my pills}',
      '{i think i|she} {overdosed|might have overdosed} on {my meds|paracetamol}',
      '{took|swallowed} a whole {packet|box|bottle} of {tablets|panadol}',
    ],
  },
  {
    id: 'safety-collapse',
    intent: 'urgent',
    sentiment: 'negative',
    reach: 'any',
    templates: [
      '{$adult} {collapsed|passed out|fainted} {at home|in the shower|just now} {and is not responding|and wont wake up|}',
      '{$kid} is {having a seizure|fitting|floppy and hard to wake}',
      '{$kid} has a rash that doesnt fade {with a glass|when i press it} and a fever',
      '{$adult} {is coughing up blood|vomited blood} {this morning|tonight}',
      '{$kid} {wont stop bleeding|is bleeding heavily} from {a cut|the mouth} {after a fall|}',
    ],
  },
  {
    id: 'safety-identifiers',
    intent: 'privacy',
    sentiment: 'neutral',
    reach: 'public',
    review: 3,
    templates: [
      'my medicare {number|no.|card number} is {2953 71846 2|4102 55673 1|3388 10492 5}{, please check|}',
      '{medicare|medicare card} {5521 86430 1|2298 47116 3}{ - can you update my details|}',
      '{my |}{nhs number|nhs no} {is |}{485 777 3456|943 476 5919|601 223 8874}',
      '{dob|DOB|date of birth} {12/07/1979|03/11/1990|22/1/85|5.6.2001}{, results please|, name Jo Bloggs|}',
      '{$kid} was born on {4 march 2019|12/02/2020|the 3rd of june 2018}, {is she due for shots|when are her needles}',
      '{i have|got} {type 1 diabetes|epilepsy|hepatitis c} and {need a new script|want to see $doctor}',
    ],
  },
]
