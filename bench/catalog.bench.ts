/**
 * Catalog benchmark: one connected sandbox channel of a WhatsApp Business phone; POST …/business/products/bulk
 * with 500 products, then the time until the import is completed (every product upserted and synced into the
 * simulator's catalog through real Baileys, paced to the catalog throttle), and the same import again (all
 * unchanged). Needs PostgreSQL and Redis on 127.0.0.1, like the integration tests. Writes
 * bench/results/catalog.{json,md}.
 *
 *   npm run bench:catalog [-- --products 500 --rate 60]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WhatsAppSimulator } from '../src/simulator';
import { ChannelClient } from '../test/support/channels';
import { createTestDatabase } from '../test/support/database';
import { TestGateway } from '../test/support/gateway';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
}

interface ImportBody {
  status: string;
  processed: number;
  counts: Record<string, number>;
}

async function main(): Promise<void> {
  const count = option('products', 500);
  const rate = option('rate', 60);
  const db = await createTestDatabase();
  const simulator = new WhatsAppSimulator();
  await simulator.start();
  const gw = await TestGateway.start(db.prisma, {}, undefined, { sandboxSimulator: simulator });
  try {
    const phone = '15559990101';
    simulator.createPhone(phone, { business: true });
    simulator.setCatalogRate(phone, rate);
    const { key } = await gw.newAccount({ plan: 'unlimited' });
    const { id } = await new ChannelClient(gw, key).paired('bench', `+${phone}`);
    const products = Array.from({ length: count }, (_, n) => ({
      retailer_id: `BENCH-${n}`,
      name: `Benchmark product ${n}`,
      description: 'A product of the catalog benchmark',
      price_amount_1000: 1000 + n,
      currency: 'USD',
    }));
    const base = `/v1/channels/${id}/business`;
    const auth = { authorization: `Bearer ${key}` };

    const run = async () => {
      const loadBefore = os.loadavg()[0];
      const started = Date.now();
      const accepted = await gw.http.post(`${base}/products/bulk`).set(auth).send({ products });
      if (accepted.status !== 202) throw new Error(`import refused: ${accepted.status} ${JSON.stringify(accepted.body)}`);
      const importId = (accepted.body as { import_id: string }).import_id;
      const acceptedMs = Date.now() - started;
      let body: ImportBody;
      for (;;) {
        body = (await gw.http.get(`${base}/imports/${importId}`).set(auth)).body as ImportBody;
        if (body.status === 'completed') break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const seconds = (Date.now() - started) / 1000;
      return {
        accepted_ms: acceptedMs,
        completed_seconds: Number(seconds.toFixed(2)),
        products_per_second: Number((count / seconds).toFixed(1)),
        counts: body.counts,
        load_average_1m: { before: Number(loadBefore.toFixed(2)), after: Number(os.loadavg()[0].toFixed(2)) },
      };
    };

    const first = await run();
    const inCatalog = simulator.catalog(phone).length;
    const again = await run();
    const result = {
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, load_average_1m: Number(os.loadavg()[0].toFixed(2)), node: process.version },
      products: count,
      catalog_rate_per_second: rate,
      first_import: first,
      in_whatsapp_catalog: inCatalog,
      same_import_again: again,
    };
    const dir = path.resolve(__dirname, 'results');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'catalog.json'), `${JSON.stringify(result, null, 2)}\n`);
    fs.writeFileSync(
      path.join(dir, 'catalog.md'),
      [
        `# Catalog benchmark (${result.date})`,
        '',
        `${result.machine.cpus} CPUs, Node ${result.machine.node}; one sandbox channel of a WhatsApp Business phone, the simulator throttling catalog requests at ${rate} a second.`,
        '',
        '| | import of ' + count + ' new products | the same import again |',
        '|---|---|---|',
        `| 202 answered after (ms) | ${first.accepted_ms} | ${again.accepted_ms} |`,
        `| completed after (s) | ${first.completed_seconds} | ${again.completed_seconds} |`,
        `| products/s | ${first.products_per_second} | ${again.products_per_second} |`,
        `| outcome | ${JSON.stringify(first.counts)} | ${JSON.stringify(again.counts)} |`,
        `| load average (1 min) before → after | ${first.load_average_1m.before} → ${first.load_average_1m.after} | ${again.load_average_1m.before} → ${again.load_average_1m.after} |`,
        '',
        `WhatsApp's catalog held ${inCatalog} products after the first import. Each new product is one \`product_catalog_add\` IQ through Baileys (at most one every 20 ms per channel, backing off on 429 rate-overlimit) and a few writes of its row and of the import's progress; the second import finds every product unchanged by retailer id and sends nothing to WhatsApp. The simulator runs in the same process, on the same CPUs, as the gateway; the machine is shared, so the load average is part of the figure.`,
        '',
      ].join('\n'),
    );
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await gw.close();
    await simulator.stop();
    await db.drop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
