export {
  type ChannelCredentials,
  type ChannelCredentialsInput,
  type CredentialOptions,
  channelCredentialsInputSchema,
  configWithCredentials,
  loadChannelCredentials,
  type RotateSecretsResult,
  rotateSecrets,
  saveChannelCredentials,
} from './channel-credentials.js'
export {
  createKeyring,
  generateSecretKey,
  type Keyring,
  keyringFromEnv,
  openSecret,
  parseSecretKey,
  type SealedSecret,
  type SecretKey,
  sealSecret,
} from './keyring.js'
export { ensureLocalSecretKey, LOCAL_SECRET_KEY_FILE } from './local-key-file.js'
export {
  type ConfigureKeyringOptions,
  configureKeyring,
  processKeyring,
} from './process-keyring.js'
