import fs from 'node:fs';
import path from 'node:path';
import { AccountsRepository } from '../modules/accounts/accounts.repository';
import { AccountsService } from '../modules/accounts/accounts.service';
import { ChannelAccessService } from '../modules/channels/channel-access.service';
import { ChannelsRepository } from '../modules/channels/channels.repository';
import { AppConfig } from '../platform/config/app-config';
import { ConfigurationError, loadConfig } from '../platform/config/load-config';
import { applyPendingMigrations, Database, openDatabase, PGliteDirectoryLockedError } from '../platform/database';
import { AppError } from '../platform/errors/app-error';
import { AccountOperations, runOperatorCommand, USAGE } from './operator-commands';
import { RemoteAccountOperations } from './remote-operations';

/**
 * The operator CLI: `npm run cli -- customers create --name Acme`. Works on the database directly;
 * when a running gateway holds the embedded database, it goes through that gateway's admin API instead.
 */
async function connect(config: AppConfig): Promise<{ ops: AccountOperations; close: () => Promise<void> }> {
  let database: Database;
  try {
    database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  } catch (error) {
    if (!(error instanceof PGliteDirectoryLockedError)) throw error;
    const gatewayFile = path.join(config.dataDir, 'gateway.json');
    if (!fs.existsSync(gatewayFile)) throw error;
    const { url } = JSON.parse(fs.readFileSync(gatewayFile, 'utf8')) as { url: string };
    return { ops: new RemoteAccountOperations(url, config.secrets.adminToken), close: async () => undefined };
  }
  if (config.migrateOnStart) {
    await applyPendingMigrations({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, database });
  }
  const channels = new ChannelAccessService(new ChannelsRepository(database.prisma, database.sql));
  const service = new AccountsService(new AccountsRepository(database.prisma, database.sql), config, channels);
  return { ops: service, close: () => database.close() };
}

async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv.includes('--help')) {
    process.stdout.write(`${USAGE}\n`);
    return argv.length === 0 ? 1 : 0;
  }
  const config = loadConfig();
  const { ops, close } = await connect(config);
  try {
    const result = await runOperatorCommand(argv, ops);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  } finally {
    await close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const body =
      error instanceof AppError
        ? { code: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) }
        : error instanceof ConfigurationError || error instanceof PGliteDirectoryLockedError
          ? { code: 'bad_request', message: error.message }
          : { code: 'invalid_request', message: error instanceof Error ? error.message : String(error) };
    process.stderr.write(`${JSON.stringify({ error: body })}\n`);
    process.exit(1);
  },
);
