#!/usr/bin/env node
// Builds packages/dashboard/src/auth/data/common-passwords.json, the list sign-up and password
// changes are checked against (no network at run time). The source is the password frequency
// list of @zxcvbn-ts/language-common (MIT; derived from leaked-password corpora by zxcvbn), read
// from an unpacked npm tarball so the project takes no dependency on it:
//   cd /tmp && npm pack @zxcvbn-ts/language-common@4.1.3 && tar xzf zxcvbn-ts-language-common-4.1.3.tgz
//   node scripts/build-common-passwords.mjs /tmp/package
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const source = process.argv[2]
if (!source) {
  console.error(
    'usage: node scripts/build-common-passwords.mjs <unpacked @zxcvbn-ts/language-common>',
  )
  process.exit(2)
}
const pkg = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8'))
const list = JSON.parse(readFileSync(join(source, 'src', 'passwords.json'), 'utf8'))
// Stored the way the checker compares: NFKC, lower case, no whitespace. Entries under 3
// characters only ever match as halves of a longer password, where they say nothing.
const seen = new Set()
for (const entry of list) {
  const key = String(entry).normalize('NFKC').toLowerCase().replace(/\s+/g, '')
  if (key.length >= 3) seen.add(key)
}
const out = {
  source: `${pkg.name}@${pkg.version} src/passwords.json`,
  licence: `${pkg.license}: Copyright (c) 2012-2016 Dan Wheeler and Dropbox, Inc.; Copyright (c) 2021 @zxcvbn-ts`,
  passwords: [...seen],
}
const target = join(
  dirname(fileURLToPath(import.meta.url)),
  '../packages/dashboard/src/auth/data/common-passwords.json',
)
writeFileSync(target, `${JSON.stringify(out)}\n`)
console.log(`wrote ${out.passwords.length} passwords to ${target}`)
