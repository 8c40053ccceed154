/**
 * @module The keyring a process uses when a caller passes none. The CLI and server configure it
 * at start (environment first, else the data folder's local key); library users may call
 * {@link configureKeyring} themselves or just set `EARSHOT_SECRET_KEY`.
 */
import { EarshotError } from '../errors.js'
import { createKeyring, type Keyring, keyringFromEnv } from './keyring.js'
import { ensureLocalSecretKey } from './local-key-file.js'

let configured: Keyring | undefined
let localFallback: { dataDir: string; warn: (message: string) => void } | undefined

/** Options of {@link configureKeyring}. */
export interface ConfigureKeyringOptions {
  env?: Record<string, string | undefined>
  /** The embedded data folder: without a key in the environment, a key file is kept there. */
  dataDir?: string
  /** Where the local-key warning goes (default stderr). */
  warn?: (message: string) => void
}

/**
 * Sets the process keyring from the environment (a bad key fails here, at start). Without a
 * key, an embedded data folder's key file is used, created only when a secret is first needed,
 * so commands that never touch one print no warning.
 */
export function configureKeyring(options: ConfigureKeyringOptions = {}): void {
  configured = keyringFromEnv(options.env ?? process.env)
  localFallback =
    configured === undefined && options.dataDir !== undefined
      ? {
          dataDir: options.dataDir,
          warn: options.warn ?? ((m: string) => process.stderr.write(`warning: ${m}\n`)),
        }
      : undefined
}

/** The process keyring: configured, else from `process.env`; an error when there is no key. */
export function processKeyring(): Keyring {
  if (!configured && localFallback) {
    configured = createKeyring(ensureLocalSecretKey(localFallback.dataDir, localFallback.warn))
  }
  const keyring = configured ?? keyringFromEnv(process.env)
  if (!keyring) {
    throw new EarshotError(
      'INVALID_CONFIGURATION',
      'no secret key: set EARSHOT_SECRET_KEY (generate one with `openssl rand -base64 32`) to store channel tokens',
    )
  }
  return keyring
}
