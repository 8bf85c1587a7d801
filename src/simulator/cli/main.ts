import { ControlServer } from '../control/http-server';
import { WhatsAppSimulator } from '../control/simulator';

/** `npm run simulator -- [--port 0] [--control-port 0] [--host 127.0.0.1]` */
function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 && process.argv[index + 1] ? process.argv[index + 1] : fallback;
}

async function main(): Promise<void> {
  const host = option('host', '127.0.0.1');
  const sim = new WhatsAppSimulator({ host, port: Number(option('port', '0')) });
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
  const shutdown = async () => {
    await control.close();
    await sim.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
