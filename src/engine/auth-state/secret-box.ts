/**
 * Channel credentials are sealed with the gateway's one secret box: the raw SESSION_ENCRYPTION_KEY as key, and
 * the channel id and entry name as associated data, so a value copied onto another channel or key does not open.
 */
export { SecretBox } from '../../platform/crypto/secret-box';
