// The secret scan must catch a planted secret (run in CI: node --test scripts/scan-secrets.test.mjs).
// Secrets here are assembled at run time, so this file itself holds none.
import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { fileURLToPath } from 'node:url'

const SCANNER = fileURLToPath(new URL('./scan-secrets.mjs', import.meta.url))
const dirs = []
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

function repoWith(files) {
  const dir = mkdtempSync(join(tmpdir(), 'secret-scan-'))
  dirs.push(dir)
  execFileSync('git', ['init', '-q'], { cwd: dir })
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  execFileSync('git', ['add', '-A'], { cwd: dir })
  return dir
}
const scan = (dir) => spawnSync(process.execPath, [SCANNER, dir], { encoding: 'utf8' })

const awsKey = `AKIA${'Z7Q4P2M9K3X8W5R1'}`
const randomToken = ['q8Zr', 'T2vL', 'x9Wm', 'P4kN', 'b7Yc', 'J3sH'].join('')

test('fails on a planted AWS key, naming the file and line but not the key', () => {
  const r = scan(repoWith({ 'config.js': `const a = 1\nconst key = '${awsKey}'\n` }))
  assert.equal(r.status, 1)
  assert.match(r.stderr, /config\.js:2: possible secret \(AWS access key id\)/)
  assert.doesNotMatch(r.stderr, new RegExp(awsKey))
})

test('fails on a high-entropy value given to a secret-named field, and on a password in a URL', () => {
  const r = scan(
    repoWith({
      'app.json': `{ "apiToken": "${randomToken}" }\n`,
      'db.env': `DATABASE_URL=postgres://app:${randomToken}@db.internal/app\n`,
    }),
  )
  assert.equal(r.status, 1)
  assert.match(r.stderr, /app\.json:1: possible secret \(high-entropy value/)
  assert.match(r.stderr, /db\.env:1: possible secret \(password in a URL\)/)
})

test('passes placeholders, low-entropy values and allowlisted fixtures', () => {
  const r = scan(
    repoWith({
      'README.md':
        'DATABASE_URL=postgres://USER:PASSWORD@HOST:5432/DB\npassword: "aaaaaaaaaaaaaaaaaaaaaaaa"\n',
      'fixture.test.js': `const secret = '${randomToken}'\n`,
      '.secret-scan-allow': `text:${randomToken}\n`,
    }),
  )
  assert.equal(r.status, 0, r.stderr)
})
