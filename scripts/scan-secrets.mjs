#!/usr/bin/env node
/**
 * Secret scan of the tracked files (CI step; issue 13 "no secrets in the repository"): well-known
 * key formats, plus long high-entropy strings assigned to secret-looking names. Known test
 * fixtures are allowed by `.secret-scan-allow` (one path prefix or `text:<exact string>` a line).
 *
 *   node scripts/scan-secrets.mjs [DIR]     exit 1 and list findings, exit 0 when clean
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Formats that are secrets whatever they are called. */
const KEY_PATTERNS = [
  ['AWS access key id', /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/],
  [
    'private key',
    /-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY( BLOCK)?-----/,
  ],
  ['GitHub token', /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{60,})\b/],
  ['Slack token', /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/],
  ['Stripe live key', /\b(?:sk|rk)_live_[0-9A-Za-z]{20,}\b/],
  ['Google API key', /\bAIza[0-9A-Za-z_-]{35}\b/],
  ['npm token', /\bnpm_[A-Za-z0-9]{36}\b/],
  ['OpenAI/Anthropic key', /\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{32,}\b/],
  ['Facebook access token', /\bEAA[A-Za-z0-9]{80,}\b/],
]

/** `scheme://user:password@host`: flagged unless the password is a placeholder. */
const URL_PASSWORD = /\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@'"`]+:([^/\s:@'"`$*{}<>]{8,})@/gi
const PLACEHOLDER = /^[A-Z_]+$|password|secret|example|changeme|placeholder|redacted/i

/** A secret-looking name given a quoted value: flagged when the value looks random. */
const ASSIGNMENT =
  /\b[\w.-]*(?:secret|password|passwd|token|api[_-]?key|private[_-]?key|client[_-]?secret|access[_-]?key)[\w.-]*["']?\s*[:=]\s*["'`]([^"'`\s]{20,})["'`]/gi

/** Bits per character above which a 20+ character value is taken for a real secret. */
export const ENTROPY_THRESHOLD = 4.0

export function shannonEntropy(text) {
  const counts = new Map()
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1)
  let bits = 0
  for (const n of counts.values()) {
    const p = n / text.length
    bits -= p * Math.log2(p)
  }
  return bits
}

function loadAllowlist(root) {
  const file = join(root, '.secret-scan-allow')
  const paths = []
  const texts = []
  if (existsSync(file))
    for (const raw of readFileSync(file, 'utf8').split('\n')) {
      const line = raw.trim()
      if (!line || line.startsWith('#')) continue
      if (line.startsWith('text:')) texts.push(line.slice(5))
      else paths.push(line)
    }
  return { paths, texts }
}

/** Findings in one file's text: `{ line, kind }` (the secret itself is never printed). */
export function scanText(text, allowedTexts = []) {
  const findings = []
  const lines = text.split('\n')
  for (const [index, line] of lines.entries()) {
    if (line.length > 5000) continue // minified or data lines
    if (allowedTexts.some((t) => line.includes(t))) continue
    for (const [kind, pattern] of KEY_PATTERNS)
      if (pattern.test(line)) findings.push({ line: index + 1, kind })
    for (const match of line.matchAll(URL_PASSWORD))
      if (!PLACEHOLDER.test(decodeURIComponentSafe(match[1])))
        findings.push({ line: index + 1, kind: 'password in a URL' })
    for (const match of line.matchAll(ASSIGNMENT)) {
      const value = match[1]
      if (/^(?:env:|process\.env|<|\*+$)|\$\{/.test(value)) continue
      if (shannonEntropy(value) >= ENTROPY_THRESHOLD)
        findings.push({ line: index + 1, kind: 'high-entropy value of a secret-named field' })
    }
  }
  return findings
}

function decodeURIComponentSafe(text) {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/** Scans every file git tracks under `root`. */
export function scanRepository(root) {
  const { paths, texts } = loadAllowlist(root)
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
    .split('\0')
    .filter(Boolean)
  const findings = []
  for (const file of files) {
    if (paths.some((p) => file === p || file.startsWith(p.endsWith('/') ? p : `${p}/`))) continue
    const full = join(root, file)
    if (!existsSync(full) || statSync(full).size > 2_000_000) continue
    const buffer = readFileSync(full)
    if (buffer.includes(0)) continue // binary
    for (const f of scanText(buffer.toString('utf8'), texts)) findings.push({ file, ...f })
  }
  return findings
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(process.argv[2] ?? '.')
  const findings = scanRepository(root)
  for (const f of findings) console.error(`${f.file}:${f.line}: possible secret (${f.kind})`)
  if (findings.length > 0) {
    console.error(
      `\nsecret scan: ${findings.length} finding(s). Remove the secret (and rotate it), or, for a test fixture, add its path or text:<string> to .secret-scan-allow.`,
    )
    process.exit(1)
  }
  console.log('secret scan: no secrets in the tracked files')
}
