import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { GatewaySecrets } from './app-config';

const FILE_NAME = 'secrets.json';

interface StoredSecrets {
  session_encryption_key: string;
  media_signing_secret: string;
  webhook_signing_secret: string;
  admin_token: string;
}

function generate(): StoredSecrets {
  return {
    session_encryption_key: randomBytes(32).toString('base64'),
    media_signing_secret: randomBytes(32).toString('base64url'),
    webhook_signing_secret: randomBytes(32).toString('base64url'),
    admin_token: `wiu_admin_${randomBytes(24).toString('base64url')}`,
  };
}

/**
 * Outside production the gateway needs no configuration: secrets are generated on first start and kept in
 * DATA_DIR/secrets.json (mode 0600). Creation is exclusive, so two processes starting together agree on one set.
 */
export function loadOrCreateSecrets(dataDir: string): GatewaySecrets {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, FILE_NAME);
  if (!fs.existsSync(file)) {
    const temp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temp, JSON.stringify(generate(), null, 2), { mode: 0o600 });
    try {
      fs.linkSync(temp, file); // fails if another process won the race; then we read theirs
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      fs.rmSync(temp, { force: true });
    }
  }
  const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as StoredSecrets;
  return {
    sessionEncryptionKey: Buffer.from(stored.session_encryption_key, 'base64'),
    mediaSigningSecret: stored.media_signing_secret,
    webhookSigningSecret: stored.webhook_signing_secret,
    adminToken: stored.admin_token,
  };
}
