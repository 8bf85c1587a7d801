import { ControlServer } from '../control/http-server';
import { WhatsAppSimulator } from '../control/simulator';
import { REALISTIC_ACCOUNT } from '../protocol/account-history';
import { FileStateStore } from '../state/state-store';

/**
 * `npm run simulator -- [--port 0] [--control-port 0] [--host 127.0.0.1] [--state <file>]`; the state file may also
 * be given as SIMULATOR_STATE_FILE. With one, the network (accounts, linked devices, their keys and sessions,
 * groups…) is loaded from it at start and saved to it after changes and at exit.
 *
 * `--realistic` (or SIMULATOR_REALISTIC=1) gives every account, when its phone links a companion, an address
 * book, groups and a history sync as a real phone's (300 contacts, 30 groups, 1,000 messages); `--contacts`,
 * `--groups` and `--messages` change those sizes.
 */
function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 && process.argv[index + 1] ? process.argv[index + 1] : fallback;
}

async function main(): Promise<void> {
  const host = option('host', '127.0.0.1');
  const stateFile = option('state', process.env.SIMULATOR_STATE_FILE ?? '');
  const realistic = process.argv.includes('--realistic') || process.env.SIMULATOR_REALISTIC === '1';
  const sim = new WhatsAppSimulator({
    host,
    port: Number(option('port', '0')),
    ...(stateFile ? { stateStore: new FileStateStore(stateFile) } : {}),
    ...(realistic
      ? {
          accountHistory: {
            contacts: Number(option('contacts', String(REALISTIC_ACCOUNT.contacts))),
            groups: Number(option('groups', String(REALISTIC_ACCOUNT.groups))),
            messages: Number(option('messages', String(REALISTIC_ACCOUNT.messages))),
          },
        }
      : {}),
  });
  const url = await sim.start();
  const control = new ControlServer(sim);
  const controlUrl = await control.listen(Number(option('control-port', '0')), host);
  sim.on('paired', (c) => console.log(`paired ${c.jid} (${c.platform})`));
  sim.on('connected', (c) => console.log(`connected ${c.jid}`));
  sim.on('disconnected', (c) => console.log(`disconnected ${c.jid}`));
  sim.on('message', (m) => console.log(`${m.from} -> ${m.to}${m.group ? ` in ${m.group}` : ''}: ${m.content.type}`));
  sim.on('warning', (w) => console.warn(`warning: ${w.message}`, w.error ?? ''));
  console.log(`WhatsApp simulator WebSocket: ${url}`);
  console.log(`Control API:                  ${controlUrl}`);
  console.log(`Media host:                   https://${sim.mediaHost} (CA: GET ${controlUrl}/media-ca)`);
  if (realistic) console.log(`Accounts:                     realistic (${JSON.stringify(sim.accountHistory)})`);
  if (stateFile) console.log(`State file:                   ${stateFile}`);
  const shutdown = async () => {
    try {
      await control.close();
      await sim.stop();
      process.exit(0);
    } catch (error) {
      console.error('the simulator did not stop cleanly:', error);
      process.exit(1);
    }
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
