/**
 * @module A second process for the data-folder lock tests. `open DIR` opens the embedded
 * database in DIR and keeps it open; `lock DIR` only takes the lock and installs no signal
 * handler of its own. Either prints `held` once it holds the folder; `close` on stdin closes the
 * database and exits.
 */
import { createInterface } from 'node:readline'
import { lockDataFolder } from '../src/storage/data-folder-lock.js'
import { openDatabase } from '../src/storage/open-database.js'

const [mode, dir] = process.argv.slice(2)
if (!dir || (mode !== 'open' && mode !== 'lock')) {
  process.stderr.write('usage: hold-data-folder open|lock DIR\n')
  process.exit(2)
}
const close =
  mode === 'open'
    ? (await openDatabase({ url: dir, migrate: false })).close
    : lockDataFolder(dir, { command: 'hold-data-folder lock' }).release
process.stdout.write('held\n')
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() === 'close') {
    await close()
    process.stdout.write('closed\n')
    process.exit(0)
  }
}
