/**
 * @module Evaluation of the built-in enricher: TweetEval sentiment (against plain AFINN in the
 * same run), the hand-labelled clinic data set (needs-reply, category, sentiment, privacy,
 * urgent; tune and report splits) and single-thread throughput. Prints a readable report and
 * `METRIC <name> <value>` lines.
 *
 * Run from packages/core:
 *   node --conditions=@earshot/source --import tsx eval/run-eval.ts [--errors]
 * `--errors` lists the tune split's mistakes (never the report split's: that one is only for
 * reporting).
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import Sentiment from 'sentiment'
import { z } from 'zod'
import { analyzeSentiment } from '../src/enrich/analyze-sentiment.js'
import { enrichOne } from '../src/enrich/default-enricher.js'
import type { EnrichInput, Enrichment } from '../src/enrich/enricher.js'
import {
  CATEGORIES,
  MENTION_KINDS,
  PLATFORMS,
  SENTIMENT_LABELS,
  type SentimentLabel,
} from '../src/model/vocabulary.js'

const here = dirname(fileURLToPath(import.meta.url))
const repoRoot = resolve(here, '../../..')
const TWEETEVAL = resolve(repoRoot, '../shared/data/tweeteval-sentiment-val.tsv')
const CLINIC = resolve(here, 'clinic-mentions.jsonl')
const CORPUS = resolve(here, 'corpus/clinic-corpus.jsonl')
const SAFETY = resolve(here, 'corpus/safety.jsonl')
const THRESHOLDS = resolve(here, 'thresholds.json')
const showErrors = process.argv.includes('--errors')

const metric = (name: string, value: number): void => {
  console.log(`METRIC ${name} ${Number.isInteger(value) ? value : value.toFixed(4)}`)
}
const pct = (x: number): string => `${(x * 100).toFixed(1)}%`.padStart(6)

/** Per-class recall, precision and F1 over a fixed label set. */
function perClass<L extends string>(labels: readonly L[], gold: readonly L[], pred: readonly L[]) {
  return labels.map((label) => {
    let tp = 0
    let fp = 0
    let fn = 0
    for (let i = 0; i < gold.length; i++) {
      if (pred[i] === label && gold[i] === label) tp++
      else if (pred[i] === label) fp++
      else if (gold[i] === label) fn++
    }
    const precision = tp + fp === 0 ? 0 : tp / (tp + fp)
    const recall = tp + fn === 0 ? 0 : tp / (tp + fn)
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall)
    return { label, precision, recall, f1, support: tp + fn }
  })
}

function accuracy<T>(gold: readonly T[], pred: readonly T[]): number {
  let ok = 0
  for (let i = 0; i < gold.length; i++) if (gold[i] === pred[i]) ok++
  return gold.length === 0 ? 0 : ok / gold.length
}

function binary(gold: readonly boolean[], pred: readonly boolean[]) {
  let tp = 0
  let fp = 0
  let fn = 0
  for (let i = 0; i < gold.length; i++) {
    if (pred[i] && gold[i]) tp++
    else if (pred[i]) fp++
    else if (gold[i]) fn++
  }
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp)
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn)
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall)
  return { precision, recall, f1, tp, fp, fn }
}

// ---------------------------------------------------------------- TweetEval
function evalTweets(): { texts: string[]; macro?: number } {
  console.log('\n== TweetEval sentiment (validation split) ==')
  if (!existsSync(TWEETEVAL)) {
    console.log(
      `skipped: ${TWEETEVAL} not found (it lives outside the repository; see docs/triage.md)`,
    )
    return { texts: [] }
  }
  const rows = readFileSync(TWEETEVAL, 'utf8')
    .split('\n')
    .slice(1)
    .filter((l) => l.includes('\t'))
    .map((l) => {
      const tab = l.indexOf('\t')
      return { label: l.slice(0, tab) as SentimentLabel, text: l.slice(tab + 1) }
    })
    .filter((r) => (SENTIMENT_LABELS as readonly string[]).includes(r.label))
  const gold = rows.map((r) => r.label)
  const plain = new Sentiment()
  const afinn = rows.map((r): SentimentLabel => {
    const s = plain.analyze(r.text).score
    return s > 0 ? 'positive' : s < 0 ? 'negative' : 'neutral'
  })
  const ours = rows.map((r) => analyzeSentiment(r.text).label)
  const table: Array<[string, SentimentLabel[]]> = [
    ['plain AFINN (sign)', afinn],
    ['earshot-rules', ours],
  ]
  console.log(`${rows.length} tweets\n`)
  console.log('system               macro-R  acc     R(neg)  R(neu)  R(pos)')
  const results: Record<string, { macro: number; acc: number }> = {}
  for (const [name, pred] of table) {
    const pc = perClass(SENTIMENT_LABELS, gold, pred)
    const macro = pc.reduce((a, c) => a + c.recall, 0) / pc.length
    const acc = accuracy(gold, pred)
    results[name] = { macro, acc }
    console.log(
      `${name.padEnd(20)} ${pct(macro)}  ${pct(acc)}  ${pc.map((c) => pct(c.recall)).join('  ')}`,
    )
  }
  console.log()
  metric('tweeteval.macro_recall', results['earshot-rules']!.macro)
  metric('tweeteval.accuracy', results['earshot-rules']!.acc)
  metric('tweeteval.afinn.macro_recall', results['plain AFINN (sign)']!.macro)
  metric('tweeteval.afinn.accuracy', results['plain AFINN (sign)']!.acc)
  return { texts: rows.map((r) => r.text), macro: results['earshot-rules']!.macro }
}

// ---------------------------------------------------------------- clinic data set
const clinicRowSchema = z.object({
  text: z.string(),
  platform: z.enum(PLATFORMS),
  kind: z.enum(MENTION_KINDS),
  rating: z.number().min(1).max(5).optional(),
  thread: z
    .array(z.object({ direction: z.enum(['inbound', 'outbound']), text: z.string() }))
    .optional(),
  needsReply: z.boolean(),
  category: z.enum(CATEGORIES),
  sentiment: z.enum(SENTIMENT_LABELS),
  privacy: z.boolean(),
  urgent: z.boolean(),
  split: z.enum(['tune', 'report']),
})
type ClinicRow = z.infer<typeof clinicRowSchema>

function toInput(row: ClinicRow): EnrichInput {
  const t0 = Date.UTC(2026, 0, 1)
  return {
    text: row.text,
    platform: row.platform,
    kind: row.kind,
    direction: 'inbound',
    rating: row.rating ?? null,
    ...(row.thread
      ? {
          thread: row.thread.map((m, i) => ({
            direction: m.direction,
            text: m.text,
            createdAt: new Date(t0 + i * 60_000),
          })),
        }
      : {}),
  }
}

function evalSplit(split: string, rows: ClinicRow[]): Record<string, number> {
  const out: Enrichment[] = rows.map((r) => enrichOne(toInput(r)))
  const nr = binary(
    rows.map((r) => r.needsReply),
    out.map((e) => e.needsReply === true),
  )
  const goldCat = rows.map((r) => r.category)
  const predCat = out.map((e) => e.category ?? 'chatter')
  const catAcc = accuracy(goldCat, predCat)
  const goldSent = rows.map((r) => r.sentiment)
  const predSent = out.map((e) => e.sentiment?.label ?? 'neutral')
  const sentPc = perClass(SENTIMENT_LABELS, goldSent, predSent)
  const sentF1 = sentPc.reduce((a, c) => a + c.f1, 0) / sentPc.length
  const priv = binary(
    rows.map((r) => r.privacy),
    out.map((e) => e.privacy === true),
  )
  const urg = binary(
    rows.map((r) => r.urgent),
    out.map((e) => e.urgent === true),
  )

  console.log(`\n-- ${split} split: ${rows.length} mentions --`)
  console.log('                 precision  recall   F1')
  const line = (name: string, m: { precision: number; recall: number; f1: number }) =>
    console.log(`${name.padEnd(16)} ${pct(m.precision)}    ${pct(m.recall)}  ${pct(m.f1)}`)
  line('needs reply', nr)
  line('privacy flag', priv)
  line('urgent flag', urg)
  console.log(`category accuracy ${pct(catAcc)}`)
  console.log(
    `sentiment macro-F1 ${pct(sentF1)}  (${sentPc.map((c) => `${c.label} ${pct(c.f1).trim()}`).join(', ')}); accuracy ${pct(accuracy(goldSent, predSent)).trim()}`,
  )

  // Confusion matrix: rows are gold, columns predicted.
  const abbrev = (c: string) => c.slice(0, 5).padStart(6)
  console.log(
    `\ncategory confusion (rows gold, columns predicted)\n${''.padEnd(10)}${CATEGORIES.map(abbrev).join('')}`,
  )
  for (const g of CATEGORIES) {
    const cells = CATEGORIES.map((p) => {
      let n = 0
      for (let i = 0; i < rows.length; i++) if (goldCat[i] === g && predCat[i] === p) n++
      return (n === 0 ? '.' : String(n)).padStart(6)
    })
    console.log(`${g.padEnd(10)}${cells.join('')}`)
  }

  metric(`clinic.${split}.needs_reply_precision`, nr.precision)
  metric(`clinic.${split}.needs_reply_recall`, nr.recall)
  metric(`clinic.${split}.needs_reply_f1`, nr.f1)
  metric(`clinic.${split}.category_accuracy`, catAcc)
  metric(`clinic.${split}.sentiment_macro_f1`, sentF1)
  metric(`clinic.${split}.privacy_f1`, priv.f1)
  metric(`clinic.${split}.urgent_f1`, urg.f1)
  metric(`clinic.${split}.privacy_recall`, priv.recall)
  metric(`clinic.${split}.privacy_precision`, priv.precision)

  const figures: Record<string, number> = {
    needs_reply_f1: nr.f1,
    category_accuracy: catAcc,
    sentiment_macro_f1: sentF1,
    privacy_recall: priv.recall,
    privacy_precision: priv.precision,
    urgent_recall: urg.recall,
  }
  if (showErrors && split.endsWith('tune')) {
    console.log('\ntune-split mistakes:')
    rows.forEach((r, i) => {
      const e = out[i]!
      const wrong: string[] = []
      if (r.needsReply !== e.needsReply) wrong.push(`needsReply ${e.needsReply}`)
      if (r.category !== e.category) wrong.push(`category ${e.category} (gold ${r.category})`)
      if (r.sentiment !== e.sentiment?.label)
        wrong.push(`sentiment ${e.sentiment?.label} ${e.sentiment?.score} (gold ${r.sentiment})`)
      if (r.privacy !== e.privacy) wrong.push(`privacy ${e.privacy}`)
      if (r.urgent !== e.urgent) wrong.push(`urgent ${e.urgent}`)
      if (wrong.length > 0)
        console.log(
          `  [${wrong.join('; ')}] ${r.platform}/${r.kind} "${r.text}" :: ${e.reasons?.join(' | ')}`,
        )
    })
  }
  return figures
}

function readRows(file: string): ClinicRow[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l, i) => {
      const parsed = clinicRowSchema.safeParse(JSON.parse(l))
      if (!parsed.success) throw new Error(`${file} line ${i + 1}: ${parsed.error.message}`)
      return parsed.data
    })
}

// ---------------------------------------------------------------- generated corpus + safety set
function evalCorpus(): { report: Record<string, number>; inputs: EnrichInput[] } {
  console.log('\n== Generated clinic corpus (paraphrase families; see eval/corpus/LABELLING.md) ==')
  console.log('system: earshot-rules (rules and lexicon; no learned model ships yet)')
  const rows = readRows(CORPUS)
  evalSplit(
    'corpus.tune',
    rows.filter((r) => r.split === 'tune'),
  )
  const report = evalSplit(
    'corpus.report',
    rows.filter((r) => r.split === 'report'),
  )
  return { report, inputs: rows.map(toInput) }
}

/** Every safety row must pass: urgent rows urgent and answered, privacy rows private and answered. */
function evalSafety(): string[] {
  console.log('\n== Safety set (must be 100%) ==')
  const rows = readRows(SAFETY)
  const missed: string[] = []
  for (const r of rows) {
    const e = enrichOne(toInput(r))
    const ok =
      e.needsReply === true &&
      (!r.urgent || e.urgent === true) &&
      (!r.privacy || e.privacy === true)
    // Row text is invented, so it may be printed.
    if (!ok) missed.push(`${r.platform}/${r.kind} "${r.text}" :: ${e.reasons?.join(' | ')}`)
  }
  const urgent = rows.filter((r) => r.urgent).length
  console.log(
    `${rows.length} rows (${urgent} urgent, ${rows.length - urgent} identifiers), ${missed.length} missed`,
  )
  for (const m of missed) console.log(`  MISSED ${m}`)
  metric('safety.rows', rows.length)
  metric('safety.missed', missed.length)
  return missed
}

function evalClinic(): EnrichInput[] {
  console.log('\n== Clinic mentions (hand-labelled; see eval/README.md) ==')
  const rows = readFileSync(CLINIC, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l, i) => {
      const parsed = clinicRowSchema.safeParse(JSON.parse(l))
      if (!parsed.success)
        throw new Error(`clinic-mentions.jsonl line ${i + 1}: ${parsed.error.message}`)
      return parsed.data
    })
  for (const split of ['tune', 'report'] as const) {
    evalSplit(
      split,
      rows.filter((r) => r.split === split),
    )
  }
  return rows.map(toInput)
}

// ---------------------------------------------------------------- throughput
function evalThroughput(tweets: string[], clinic: EnrichInput[]): void {
  console.log('\n== Throughput (one thread, full enrichment: sentiment + triage) ==')
  const inputs: EnrichInput[] = [
    ...clinic,
    ...tweets.map(
      (text): EnrichInput => ({ text, platform: 'x', kind: 'mention', direction: 'inbound' }),
    ),
  ]
  // Shuffle (seeded) so every batch mixes short clinic mentions and longer tweets.
  let seed = 42
  for (let i = inputs.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2147483648
    const j = seed % (i + 1)
    ;[inputs[i], inputs[j]] = [inputs[j]!, inputs[i]!]
  }
  // Warm up the JIT before timing.
  for (let i = 0; i < 3; i++) for (const input of inputs) enrichOne(input)
  let n = 0
  let sink = 0
  // Batches of 200 are short enough that some run without the scheduler interrupting them.
  const BATCH = 200
  let bestBatch = Number.POSITIVE_INFINITY
  const cpu0 = process.cpuUsage()
  const start = process.hrtime.bigint()
  let elapsed = 0
  while (elapsed < 3) {
    for (let b = 0; b + BATCH <= inputs.length; b += BATCH) {
      const t0 = process.hrtime.bigint()
      for (let i = b; i < b + BATCH; i++) if (enrichOne(inputs[i]!).needsReply) sink++
      bestBatch = Math.min(bestBatch, Number(process.hrtime.bigint() - t0) / 1e9)
      n += BATCH
    }
    elapsed = Number(process.hrtime.bigint() - start) / 1e9
  }
  const cpu = process.cpuUsage(cpu0)
  const cpuSeconds = (cpu.user + cpu.system) / 1e6
  const avgChars = inputs.reduce((a, i) => a + i.text.length, 0) / inputs.length
  console.log(
    `${n} texts (average ${avgChars.toFixed(0)} characters; ${sink} needed a reply) in ${elapsed.toFixed(2)} s wall, ${cpuSeconds.toFixed(2)} s CPU`,
  )
  console.log(
    `wall ${Math.round(n / elapsed)} texts/s; CPU ${Math.round(n / cpuSeconds)} texts/s (the CPU figure is what one uncontended core does; the wall figure drops when other processes share the core)`,
  )
  metric('triage.texts_per_s', Math.round(n / elapsed))
  metric('triage.texts_per_cpu_s', Math.round(n / cpuSeconds))
  metric('triage.texts_per_s_best_batch', Math.round(BATCH / bestBatch))
}

// ---------------------------------------------------------------- gate
const thresholdsSchema = z.object({
  report: z.record(z.string(), z.number().min(0).max(1)),
  tweeteval_macro_recall: z.number().min(0).max(1),
})

const tweets = evalTweets()
const clinic = evalClinic()
const corpus = evalCorpus()
const missed = evalSafety()
if (!process.argv.includes('--no-throughput'))
  evalThroughput(tweets.texts, [...clinic, ...corpus.inputs])

const thresholds = thresholdsSchema.parse(JSON.parse(readFileSync(THRESHOLDS, 'utf8')))
const failures: string[] = []
for (const [name, min] of Object.entries(thresholds.report)) {
  const got = corpus.report[name]
  if (got === undefined) failures.push(`unknown figure ${name} in thresholds.json`)
  else if (got < min) failures.push(`corpus.report.${name} ${got.toFixed(4)} < ${min}`)
}
if (tweets.macro !== undefined && tweets.macro < thresholds.tweeteval_macro_recall) {
  failures.push(
    `tweeteval.macro_recall ${tweets.macro.toFixed(4)} < ${thresholds.tweeteval_macro_recall}`,
  )
}
if (missed.length > 0) failures.push(`${missed.length} safety rows missed`)
console.log('\n== Gate (thresholds.json) ==')
if (failures.length > 0) {
  for (const f of failures) console.log(`FAIL ${f}`)
  process.exitCode = 1
} else console.log('all figures at or above their thresholds; no safety row missed')
