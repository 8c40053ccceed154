/**
 * @module The cue patterns triage matches, grouped by rule family. They run on normalised text:
 * lower case, apostrophes removed ("can't" → "cant"), whitespace collapsed. Each family is one
 * alternation, so triage costs one regex pass per family rather than one per phrase.
 */

/** Spam: money schemes, follower selling, prize scams, agencies touting for work. */
export const SPAM =
  /\b(?:(?:earn|make) \$?\d[\d,k]*|make (?:\$+ ?\w*|money|cash)|one simple trick|passive income|verify your (?:account|page|identity)|(?:page|account) will be (?:deleted|removed|disabled|suspended)|violat\w* (?:our |the )?(?:community|terms)|copyright infringement|win a free|click (?:the |my )?link|link in (?:my )?(?:bio|profile)|\d+ ?% off|(?:dm|message|inbox) (?:me )?for (?:\d|a discount|discount|price|prices|details)|discount code|promo code|follow me\b|follow (?:my|our) (?:page|account|channel)|follow for follow|f4f|get rich|(?:more|new) (?:clients|customers|leads)\b|\d+x (?:your|their)|we help (?:clinics|practices|businesses|brands)|dm us\b|income opportunity|link in (?:my )?bio|(?:\d+\+?|more) (?:5 star |five star )?(?:google )?reviews|buy (?:google )?reviews|work(?:ing)? from home|crypto\w*|bitcoin|forex|binary options?|invest(?:ed)? with (?:mr|mrs|ms|miss)|profit in a|whatsapp ?\+?\d|on telegram|telegram @|dm (?:me|us) (?:for|to) (?:collab|promo|find out|learn)|(?:dm|message|inbox) (?:me )?for (?:a )?collab|collab\b|promo(?:te)? (?:it )?on @|send (?:pic|pics|it) to @|get featured|buy (?:real )?(?:instagram |ig |tiktok )?(?:followers|likes|views)|\d+k followers|followers fast|sub(?:scribe)? to my channel|i sub back|sub back|check (?:out )?(?:my|our) (?:channel|page|profile|bio|website|site|store|shop|account)|claim (?:here|now|your|it)|gift ?card|free iphone|free prizes?|you ?ve been selected|youve been selected|bit\.ly|tinyurl|cheap-?pharmacy|viagra|cialis|seo services|web designer|web design services|better website|marketing agency|grow your (?:practice|business|page|brand)|free audit|recovery expert|funds recovery|sugar (?:daddy|mummy|mommy)|onlyfans|hello dear|accept my (?:friend )?request|would like to be friends)\b/

/** Urgent clinical content: someone should look now. */
export const URGENT =
  /\b(?:chest (?:pains?|is tight|tightness|feels tight|feels heavy)|tight chest|crushing (?:chest|pain)|(?:cant|cannot|can not|struggling to|hard to|trouble|difficulty|unable to) breath(?:e|ing)|struggling to breathe|short(?:ness)? of breath|wheez\w*|(?:wont|doesnt|hasnt|not|cant|wouldnt) stop(?:ped)? bleeding|bleeding (?:heavily|a lot|badly|everywhere|profusely)|heavy bleeding|soaked through|lots of blood|(?:throat|tongue|lips?|mouth)(?: and \w+)? (?:is |are |feels |feel )?(?:swelling|swollen|closing|tight)|swelling up|rash (?:that )?(?:doesnt|does not|wont|didnt|isnt) fad\w*|non-?blanching|glass test|press(?:ed)? a glass|(?:lips|face|skin|fingers) (?:have |has |are |is )?(?:gone |going |turned |turning )?blue|blue lips|breathing (?:really |very |so )?(?:fast|hard|heavily|funny|weird)|anaphyla\w*|allergic reaction|severe (?:reaction|pain|allergic|bleeding)|bad reaction|passed out|fainted|feel(?:s|ing)? faint|unconscious|unresponsive|(?:wont|cant|not|isnt|hasnt) wak(?:e|ing)|(?:not|stopped) breathing|took something|floppy|seizure|convuls\w*|having a stroke|stroke symptoms|face (?:is |looks )?droop\w*|droopy|slurr(?:ed|ing)|(?:arm|face) (?:is |feels |went )?(?:numb|heavy)|numb (?:arm|face)|overdose\w*|swallowed (?:a |an |some )?(?:\w+ )?(?:magnets?|batter(?:y|ies)|coins?|bleach|poison|tablets|pills|medicine|detergent)|collapsed|(?:isnt|not|stopped) respond\w*|(?:dont|do not) want to (?:be here|live|be alive)|no reason to live|better off without me|took too many|taken too many|too many (?:of (?:the|my) )?(?:tablets|pills)|suicid\w*|kill myself|end (?:it all|my life)|self[- ]?harm\w*|want to die|coughing (?:up )?blood|vomiting blood)/

/** A negation just before an urgent phrase ("no chest pain") cancels it. */
export const NEGATED_BEFORE = /\b(?:no|not|without|never|isnt|wasnt|denies)\s+(?:\w+\s+)?$/

/** Identifiers: Medicare, NHS, date of birth, phone, email. */
export const IDENTIFIER: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bmedicare\b[^.\n]{0,20}?\d{4} ?\d{5} ?\d|\b\d{4} \d{5} \d(?: \d)?\b/, 'Medicare number'],
  [/\bnhs\b[^.\n]{0,20}?\d{3} ?\d{3} ?\d{4}\b/, 'NHS number'],
  [/\b(?:dob|d\.o\.b|date of birth|born on)\b/, 'date of birth'],
  [
    /(?:\+?61 ?|\b0)4\d{2}[ -]?\d{3}[ -]?\d{3}\b|(?:\+?61 ?|\b0)[2378][ -]?\d{4}[ -]?\d{4}\b|\b07\d{3} ?\d{6}\b|\(\d{3}\) ?\d{3}-\d{4}\b|\b(?:my number is|call me on|ring me on|text me on)\s*\+?\d[\d -]{7,}/,
    'phone number',
  ],
  [/\b[\w.+-]+@[\w-]+\.[a-z]{2,}(?:\.[a-z]{2,})?\b/, 'email address'],
]

const CONDITION =
  '(?:diabet\\w*|cancer|tumou?r|hiv|hep(?:atitis)? ?[abc]\\b|chlamydia|herpes|gonorrh\\w*|syphilis|pregnan\\w*|miscarri\\w*|depress\\w*|bipolar|schizo\\w*|adhd|autis\\w*|asthma|epilep\\w*|endometriosis|pcos|cholesterol|low iron|iron deficien\\w*|anaemi\\w*|anemi\\w*|thyroid|arthritis|dementia|parkinson\\w*|stage \\d|ivf|eating disorder|anorexi\\w*|bulimi\\w*|ptsd|\\bocd\\b|high blood pressure|rheumatoid|\\bra\\b|crohns|colitis|coeliac|celiac|copd|heart failure|hypertension|std\\b|sti\\b|uti\\b)'
const MEDICATION =
  '(?:\\d+ ?mg\\b|sertraline|lexapro|escitalopram|zoloft|prozac|fluoxetine|lithium|metformin|insulin|methadone|suboxone|ozempic|antidepressants?|antipsychotics?|the pill|prep\\b|methotrexate|warfarin|prednisone|steroids|opioids|oxycodone|ritalin|vyvanse|dexamphetamine|hrt|testosterone|estradiol)'

/** Cheap pre-check: without one of these words no {@link HEALTH_DETAIL} pattern can match. */
export const HEALTH_DETAIL_HINT: RegExp = new RegExp(
  `\\b(?:${CONDITION}|${MEDICATION}|tested positive|came back|results? show|results? say)`,
)

/** Health details about the writer or their family: diagnosis, results, medication. */
export const HEALTH_DETAIL: ReadonlyArray<readonly [RegExp, string]> = [
  [new RegExp(`\\bmy (?:\\w+ ){0,3}?${CONDITION}`), 'diagnosis'],
  [
    new RegExp(
      `\\b(?:i|im|ive|we|he|she|hes|shes|they|son|daughter|husband|wife|partner|mum|mom|dad|child|baby)\\b(?: \\w+){0,3}? (?:have|has|had|got|with|diagnosed|showed|positive for)\\b(?: \\w+){0,3}? ${CONDITION}`,
    ),
    'diagnosis',
  ],
  [
    new RegExp(`\\b(?:im|i am|ive been|i was|shes|she is)\\b(?: \\w+){0,3}? ${CONDITION}`),
    'diagnosis',
  ],
  [
    /\b(?:results?|test|scan|bloods?) (?:came back|show(?:ed|s)?|says?|said) (?:\w+ )?(?:positive|abnormal|high|low|with)\b|\btested positive\b/,
    'test results',
  ],
  [
    new RegExp(
      `\\b(?:im on|i am on|ive been on|i take|im taking|i was on|my) (?:\\w+ ){0,2}?${MEDICATION}`,
    ),
    'medication',
  ],
  [/\b\d+ ?mg\b/, 'medication'],
  [/\b(?:im|i am|ive been) on \w+ for (?:my|her|his)\b/, 'medication'],
]

/** Complaint cues, including rhetorical questions ("how is it acceptable…"). */
export const COMPLAINT =
  /\b(?:complain(?:t|ts|ing|ed)?|unacceptable|disgust\w*|disgrace\w*|appall\w*|ridiculous|a joke|absolute joke|rude\w*|unprofessional|incompetent|hopeless|useless|worst|terrible|horrible|awful|atrocious|shocking|pathetic|furious|angry|upset|unhappy|not happy|not good enough|not ok|not okay|not impressed|not great|not acceptable|disappoint\w*|overcharg\w*|overpriced|rip ?off|ripped off|misdiagnos\w*|dismissive|rushed|ignored|ignoring|never again|never going back|not going back|wont be back|avoid|waste of|nightmare|rubbish|unhelpful|lost my|gave away|given away|billed (?:me )?twice|charged (?:me )?(?:twice|for)|cancel(?:l)?ed (?:on me|my|by|me|us)|you cancel(?:l)?ed|you cancel\b|cool cool cool|(?:no one|noone|nobody) (?:answers|answered|called|calls|rang|rings|said|has|would|will|told|tells|knew|knows|cared|cares|bothered|bothers|picks|returns|responds|responded|replied|got back|gets back|ever)|been trying to|for ages|still havent heard|havent heard back|(?:st|nd|rd|th) in (?:the )?(?:queue|line)|(?:8am|phone) scramble|daylight robbery|robbery|never (?:came|arrived|happened|got back|heard back|called|rang)|(?:appointments|appts|spots|slots) (?:were|are|had) (?:all )?(?:gone|taken|booked out)|booked out|do better|sort (?:it|yourselves) out|expected (?:better|more)|(?:didnt|did not|doesnt|does not) even (?:look|listen|say|apologi\w*|bother|check|ask|explain|examine)|(?:i give|given|gave) up|not good\b|why (?:do|should|must|would) (?:i|we) (?:have to |need to )?(?:pay|wait|ring|call|chase|keep)|(?:wrote|got|written) (?:it |\w+ )?wrong|wrong (?:letter|name|script|dose|prescription|tooth|results)|left (?:\d+|two|three|four|several|multiple|so many) (?:voicemails|messages)|please respond|(?:no|still no) (?:response|reply)|losing my|how (?:do|did|could|can) (?:you|u|they) (?:lose|forget|miss|not)|not rocket science|shame (?:it|that|they|you|the)\b|takes (?:a|\d+|two|three|four|six) (?:weeks?|months?)|always (?:engaged|busy|closed|full|running late)|every single (?:day|time)|not cool|without (?:any )?(?:notice|warning|explanation)|shambles|shambolic|(?:the )?last time i (?:book|go|come|use|see|visit)\w*|cancel(?:l)?ed on\b|rort\w*|scam\w*|refus(?:ed|es|ing)|wouldnt let|not on\b|wasted my|why (?:did|does|didnt|doesnt|is|was|wasnt|has|hasnt) (?:nobody|no one|noone|anyone|nobody)|never answer\w*|never pick\w* up|on hold|still (?:waiting|no|havent|not|nothing)|(?:hours?|mins?|minutes) late|sick of|fed up|had enough|how hard is it|what is the point|whats the point|(?:how|why) is (?:it|this|that) (?:ok|okay|acceptable|fair|allowed|possible)|who decided|would(?:nt| not) recommend|do not recommend|dont recommend|didnt listen|(?:zero|0|no) stars|shame about|(?:basic|some|learn) manners|need(?:s)? (?:some )?training|(?:asked|called|rang|phoned|emailed|messaged|tried)(?: \w+){0,4}? (?:\d+|two|three|four|five|several|multiple|many) times|(?:\d+|two|three|four|five) times (?:ive|i have|i|now)|(?:\d+(?:st|nd|rd|th)|second|third|fourth|fifth|umpteenth) (?:time|cancellation|reschedule|delay|mistake|error)\b|(?:go|going|went|gone) elsewhere|find (?:a |another |a new )(?:dentist|doctor|gp|clinic|practice|physio)|been waiting (?:since|for|over)|waiting since|thanks for nothing|impossible to)\b/g

/** Words that say the complaint is about the service, for negative-sentiment complaints. */
export const SERVICE =
  /\b(?:wait\w*|hours?|mins?|minutes|reception\w*|staff|doctor|dr|dentist|nurse|physio|gp|phone|phones|call|calls|booking|appointment|appt|bill\w*|charged|fee|fees|price|prices|service|clinic|practice|results|referral|records|parking|admin)\b/

/** Advice-seeking forms that make a clinical term a clinical question. */
export const CLINICAL_ASK =
  /\b(?:is (?:it|this|that) (?:normal|ok|okay|safe|bad|serious|urgent|something)|should i (?:be|worry|come|go|keep|stop|use|take|switch|still|do|ice|rest|see)|what should i do|what do i do|can i (?:take|eat|drink|exercise|go back|swim|fly|shower|brush|run|train|still)|is it (?:ok|okay|safe|fine) to|how (?:long|soon|often|many days)|(?:do|should) i (?:need to |have to )?(?:fast|stop taking|stop|keep taking|keep)|whats the (?:best|difference)|what is the (?:best|difference)|can (?:you|u) (?:get|have) (?:the |a )?\w+ (?:vaccine|shot|jab)|already had|can (?:he|she|they) (?:get|have|take)|can (?:my|our) (?:\w+ ){0,3}?(?:have|take|get|use)|without coming in|do i need a (?:script|prescription)|do i need to (?:take|stop|keep|avoid|fast)|recovery time|how long to (?:recover|heal)|heal(?:ing)? time|do i need (?:to see|antibiotics|stitches|an? x-?ray|a scan|a test|a blood test|to come in)|is (?:that|this|it) (?:an? )?(?:infection|infected)|do you stock|should i still|is (?:\w+ ){0,8}?(?:normal|safe|okay|ok)(?= ?\??$))\b/

/** Symptoms, medicines, tests and procedures: what a clinical question is about. */
export const CLINICAL_TERM =
  /\b(?:pain(?:s|ful|killers?)?|sore|sores|ache|aching|hurts?|hurting|bleed\w*|blood|swell\w*|swollen|numb(?:ness|ing)?|rash|fever|temperature|cough\w*|infect\w*|abscess|antibiotics?|amoxicillin|ibuprofen|paracetamol|panadol|nurofen|medication|meds|medicine|dose|dosage|tablets?|pills?|script|prescription|puffer|inhaler|blood thinners?|vaccin\w*|immuni[sz]\w*|jab|booster|flu shots?|shingles|side effects?|reaction|allerg\w*|results?|blood test|scan|x-?rays?|ultrasound|biopsy|stitches|sutures|filling|crown|extraction|wisdom teeth|tooth|toothache|gums?|jaw|clicks?|clicking|stretches|exercises|rehab|ice pack|heat|fast|fasting|cholesterol|blood pressure|symptoms?|dizzy|nause\w*|vomit\w*|headache|migraine|skin check|dry needling|sore throat|sciatica|alcohol|sprain\w*|moles?|removal|wound|dressing|bandage|strain\w*|fractur\w*|reconstruction|surgery|operation|procedure|recovery|dental work|cold|colds|flu|covid|vax|vaccinated|sick|ill|unwell|cramps?|bruis\w*|period|pregnan\w*|breastfeeding)\b/

/** First-person reports of a symptom ("my knee is clicking again"). */
export const SYMPTOM_REPORT =
  /\b(?:my|i|im|ive|his|her|he|she)\b(?: \w+){0,4}? (?:is|are|has|have|had|got|feels?|keeps?|started|been|still|looks?|looking)\b(?: \w+){0,3}? (?:pain\w*|sore|swollen|swelling|bleeding|numb|rash|fever|clicking|clicks|worse|infected|infection|throbbing|aching|hurting|hurts|red|hot|oozing|pus)\b|\b(?:fell out|came off|comes off|broke off|chipped)\b/

/** Requests to book, move, cancel, or be called back. */
export const BOOKING =
  /\b(?:book(?:ing)? (?:in|me|him|her|us|them|a|an|my)\b|(?:can|could|may) (?:i|we) (?:please |pls )?(?:book|get|make|have|see|come|move|change|bring \w+ in)|(?:can|could) (?:you|someone|u) (?:please |pls )?(?:book|fit|squeeze|put|move|change)|(?:id|i would|we would|wed) like an? (?:appointment|appt|booking)|(?:id|i would|we would|wed) like to (?:book|make|see|get|come|reschedule|cancel|change|move)|(?<!(?:do|would|will) (?:i|we|you) )(?:need|want|wanting|trying|looking|hoping|keen) to (?:book|make an|see (?:a|the|dr)|get in|get an|reschedule|cancel|change|move)|need (?:an?|to make an?) (?:\w+ ){0,3}?(?:appt|appointment|booking)|(?:appt|appointment) (?:asap|today|tomorrow|this week)|(?:call|ring|phone) me\b|call back|callback|give me a (?:call|ring)|anything (?:free|available|open)|looking for an? (?:appointment|appt|booking|spot)|house call|home visit|(?:any chance|possible) (?:of |to )?(?:get(?:ting)? in|an? (?:appointment|appt|booking))|getting in (?:with|today|this week|tomorrow|asap)|(?:any|got any|have any) (?:appointments|appts|availability|spots|slots|openings|cancellations)|earliest (?:you|available|appointment)|next available|fit (?:me|us|him|her|them) in|squeeze (?:me|us|him|her|them) in|reschedul\w*|cancel (?:my|tomorrows?|the|our|todays?)|move my|change my (?:appt|appointment|booking)|running (?:about |abit |a bit |\d+ ?(?:mins?|minutes) )*late|(?:ill|i will|im|i am|well|we will|i might) (?:be )?(?:running )?(?:a (?:few|couple of|bit) |\d+ )?(?:mins?|minutes )?late|(?:appointments?|appts?) (?:available|left|free)|how do i book|book online|put me (?:in|down)|get in (?:asap|today|this week|tomorrow|with)|(?:dmd|messaged|emailed|called|rang) (?:you|u) about (?:a |my )?(?:booking|appointment|appt))\b/

/** Question forms that need no question mark. */
export const QUESTION_ANYWHERE =
  /\b(?:is it (?:free|covered|bulk billed|expensive|possible)\b|just checking|checking (?:if|whether|that|you|on)|(?:did|have) (?:you|u) (?:receive|get|got)|anyone know|does anyone|any1 know|anybody know|wondering (?:if|whether|what|how|when|why)|curious (?:if|whether|what|how|to know)|keen to know|want(?:ed)? to know|need to know|let me know|please advise|any idea|any ideas|is there (?:a|any)|how much|hw much|what time|what are your|are you open|do (?:you|u|ye|ya|yous|youse|yall) (?:guys )?(?:take|accept|do|offer|have|bulk|treat|see|stock|need|still))\b/

/** Question words and auxiliaries that open a question when they start a sentence. */
export const QUESTION_START =
  /^(?:(?:does|is|are) (?!the (?:job|trick)\b|what it)\w|(?:could|would|should) (?:you|u|ye|ya|i|we|they|he|she|it|there|someone|somebody|anyone|anybody|the|my|this|that|your|dr)\b|(?:do|can|will|have|has|may|r) (?:you|u|ye|ya|yous|youse|yall|i|we|they|he|she|it|there|the|my|this|that|anyone|someone|any|a|an|your|ur)\b|did (?:you|u|i|we|they|he|she|anyone|someone)\b|(?:how|what|whats|wats|when|where|which|who|whos|why|any1|anyone)\b(?! (?:a|an|else|here)\b)|(?:r u|do u|u guys)\b)/

/** Openers stripped before testing {@link QUESTION_START} ("hi, do you…", "also do you…"). */
export const SENTENCE_OPENER =
  /^(?:(?:hi|hey|hello|hiya|heya|morning|afternoon|evening|gday|g day|hi there|hey there|hello there|quick one|quick question|quick q|just wondering|also|and|oh|so|but|ok|okay|btw|please|pls|um|umm|sorry|excuse me|team|guys|all|everyone)\b[\s,!-]*)+/

/** Suggestions and heads-ups about the service. */
export const FEEDBACK =
  /\b(?:(?:would|might|could|itd|it would|it might) be (?:good|great|nice|handy|helpful|better|awesome|useful)|would be nice|(?:you|u) (?:guys )?should(?! (?:see|check|come|go|try|look|watch|get|have seen))|maybe (?:add|you|put|have|consider)|suggestion|could you (?:also|maybe|add|put)|please consider|heads up|fyi|just letting you know|just so you know|letting you know|(?:website|site|link|listing|sign|form|number|app|portal|system|kiosk) (?:is|was|says|still|wont|doesnt|isnt|has been|needs|asks|keeps|crashes|logs)|(?:wish|hope) you (?:had|would|could|offered)|if you (?:had|offered|could)|(?:might|would) be worth|just a thought|out of order|(?:has|have) been (?:broken|out)|please fix|fix (?:the|your)|keeps (?:crashing|freezing|logging)|(?:is|keeps) (?:broken|crashing|glitching)|not working|doesnt work|would love (?:to see|it if|if)|love to see more|(?:is|are) (?:wrong|incorrect|out of date|outdated)|wrong (?:spot|address|number|hours|place|location|pin)|(?:the )?only (?:thing|issue|problem|downside|gripe)|one (?:small )?(?:thing|suggestion)|wish there (?:was|were)|would save|would make (?:it|things|life)|worth adding|would help if|it would help)\b/

/** Messages that are only gratitude or acknowledgement. */
export const ACK_ONLY =
  /^(?:\s|[!.,~:)(-]|\p{Extended_Pictographic}|\b(?:thanks?|thank you|thankyou|thx|thnx|ty|tysm|cheers|ta|perfect|great|awesome|legend|lovely|ok|okay|k|kk|cool|sweet|brilliant|excellent|amazing|fantastic|wonderful|got it|will do|sounds good|no worries|done|sent|noted|appreciate it|much appreciated|appreciated|so much|heaps|very much|all good|yes|yep|yeah|sure|you too|same to you|mate|guys|team|again|xx?|see you (?:then|soon|there))\b)+$/u

/** Greetings with nothing else. */
export const GREETING_ONLY =
  /^(?:\s|[!.,~-]|\p{Extended_Pictographic}|\b(?:hi|hey|hello|hiya|heya|yo|morning|good morning|afternoon|good afternoon|evening|gday|there|team|guys|all|anyone there|is anyone there)\b)+$/u

/** Reactions that are chatter however positive they sound ("first!", "same", "me too"). */
export const CHATTER_ONLY =
  /^(?:first(?: comment)?|same|me too|lol|lmao|haha\w*|omg|wow|yay|this|true|facts|mood|tagging \w+)\b[^a-z]*(?:yay|lol|haha)?[^a-z]*$|^(?:ha(?:ha)+h*|lol|lmao)\b(?!.*\b(?:thanks?|thank you|you|your|dr|doctor|dentist|nurse|physio|team|staff|clinic|practice|recommend)\b)/

/** What a tagged friend is told ("Bec Harris remember this place?", "@sarah look"). */
export const FRIEND_TALK =
  /\b(?:(?:did|have|are|were|do|will|would|can) (?:you|u) (?:end up|go|get|see|try|remember|know|want)|remember|look|check (?:this|it) out|this is (?:where|the)|we should|you should|lets go|here|haha\w*|lol|omg)\b/
