/**
 * bench:failover — one API process and two workers started from src/main.ts (as the tests of several processes
 * do: a PostgreSQL and a Redis of their own, a simulator process). N sandbox channels are paired on the first
 * worker, the second is started, and the first is killed with SIGKILL while sends go on through the API:
 * seconds from the kill to every orphaned channel connected on the other worker, and sends lost or duplicated
 * (counted at the simulated contacts' phones).
 *
 *   npm run bench:failover [-- --channels 100 --lease-ms 15000 --pool-size 10 --rate 20 --seconds 60]
 *
 * Needs the PostgreSQL binaries (Debian's postgresql package) and redis-server. Writes
 * bench/results/failover.{json,md}, and each process' output to $CLUSTER_LOGS/<name>.log when that is set.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ClusterCustomer, PairedChannel } from '../test/support/cluster-customer';
import { eventually } from '../test/support/eventually';
import { GatewayCluster } from '../test/support/gateway-cluster';
import { option } from './support/bench-run';

const CHANNELS = option('channels', 100);
const LEASE_MS = option('lease-ms', 15_000);
/** DATABASE_POOL_SIZE of every gateway process. */
const POOL_SIZE = option('pool-size', 10);
const RATE = option('rate', 20);
const SECONDS = option('seconds', 60);
const PAIRING_CONCURRENCY = 5;

async function main(): Promise<void> {
  const loadBefore = Number(os.loadavg()[0].toFixed(2));
  const cluster = await GatewayCluster.start({ CHANNEL_LEASE_MS: String(LEASE_MS), DATABASE_POOL_SIZE: String(POOL_SIZE) });
  try {
    const capacity = { WORKER_CAPACITY: String(CHANNELS + 10) };
    await cluster.startGateway('api', 'api');
    await cluster.startGateway('w1', 'worker', capacity);
    const customer = await ClusterCustomer.create(cluster);

    const pairingStarted = Date.now();
    const channels: PairedChannel[] = [];
    for (let i = 0; i < CHANNELS; i += PAIRING_CONCURRENCY) {
      const batch = Array.from({ length: Math.min(PAIRING_CONCURRENCY, CHANNELS - i) }, (_, j) =>
        customer.pair(`failover ${i + j}`, 120_000),
      );
      channels.push(...(await Promise.all(batch)));
    }
    const pairingSeconds = (Date.now() - pairingStarted) / 1000;
    process.stdout.write(`${CHANNELS} channels paired on w1 in ${pairingSeconds} s\n`);
    await cluster.startGateway('w2', 'worker', capacity);
    const w1 = await customer.workerIdOf('w1');

    let failoverMs = Number.NaN;
    let killedAt = new Date();
    const done = await customer.traffic(
      channels,
      'failover',
      SECONDS * 1000,
      async () => {
        const killed = Date.now();
        killedAt = new Date(killed);
        await cluster.kill('w1');
        await customer.connectedElsewhere(channels, w1, 300_000, 250);
        failoverMs = Date.now() - killed;
        process.stdout.write(`every channel connected on w2 ${failoverMs} ms after the kill\n`);
      },
      { everyMs: 1000 / RATE, inbound: false },
    );

    // every accepted send reaches its phone, or is counted lost after this wait
    const copies = await eventually(
      () => customer.copiesAtPhones(done.sends),
      (counts) => [...counts.values()].every((count) => count > 0),
      180_000,
      1_000,
    ).catch(() => customer.copiesAtPhones(done.sends));
    const counts = [...copies.values()];
    // when the channels' takeover began and ended, from their state changes (seconds after the kill)
    const phases = await cluster.query<{ to: string; first: number; last: number }>(
      `SELECT payload->>'to' AS to, extract(epoch FROM min(created_at) - $1) AS first, extract(epoch FROM max(created_at) - $1) AS last
         FROM domain_events WHERE type = 'channel.state_changed' AND created_at > $1 AND payload->>'to' IN ('connecting', 'connected')
        GROUP BY 1`,
      [killedAt],
    );
    const phase = (to: string) => {
      const row = phases.find((p) => p.to === to);
      return row ? { first: Number(Number(row.first).toFixed(1)), last: Number(Number(row.last).toFixed(1)) } : null;
    };
    const results = {
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, node: process.version, load_average_1m_before: loadBefore },
      settings: { channels: CHANNELS, lease_ms: LEASE_MS, database_pool_size: POOL_SIZE, sends_per_second: RATE, seconds: SECONDS },
      pairing_seconds: pairingSeconds,
      failover_seconds: Number((failoverMs / 1000).toFixed(1)),
      after_the_kill_seconds: { connecting: phase('connecting'), connected: phase('connected') },
      sends: {
        accepted: done.sends.length,
        refused: done.refused,
        refusals: done.refusals,
        lost: counts.filter((count) => count === 0).length,
        duplicated: counts.filter((count) => count > 1).length,
      },
      load_average_1m_after: Number(os.loadavg()[0].toFixed(2)),
    };
    const dir = path.resolve(__dirname, 'results');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'failover.json'), `${JSON.stringify(results, null, 2)}\n`);
    fs.writeFileSync(
      path.join(dir, 'failover.md'),
      [
        `# Failover benchmark (${results.date})`,
        '',
        `${results.machine.cpus} CPUs, Node ${results.machine.node}, load average ${loadBefore} before and ${results.load_average_1m_after} after. One API process and two workers (\`GATEWAY_ROLE\`), each its own Node process, on a PostgreSQL, a Redis and a simulator process of their own; \`CHANNEL_LEASE_MS=${LEASE_MS}\`, \`DATABASE_POOL_SIZE=${POOL_SIZE}\`.`,
        '',
        '| Channels | Paired on w1 in | kill -9 of w1 → every channel connected on w2 (goal < 30 s) | Sends accepted | Refused | Lost (goal 0) | Duplicated (goal 0) |',
        '|---|---|---|---|---|---|---|',
        `| ${CHANNELS} | ${pairingSeconds} s | ${results.failover_seconds} s | ${results.sends.accepted} | ${results.sends.refused} | ${results.sends.lost} | ${results.sends.duplicated} |`,
        '',
        `Refused sends, by answer: ${JSON.stringify(results.sends.refusals)}.`,
        '',
        `After the kill, channels were taken over (\`connecting\`) from ${results.after_the_kill_seconds.connecting?.first} s to ${results.after_the_kill_seconds.connecting?.last} s, and connected from ${results.after_the_kill_seconds.connected?.first} s to ${results.after_the_kill_seconds.connected?.last} s.`,
        '',
        `Sends: ${RATE}/s through the API process for ${SECONDS} s, over every channel in turn; the worker is killed after a third of that. A send counts once its contact's phone decrypted it (the sandbox outbox); lost means not decrypted within 180 s after the traffic, duplicated means decrypted more than once.`,
        '',
        'The time is the lease running out (`CHANNEL_LEASE_MS` after the last renewal, which came at most a third of it before the kill), the scan the surviving worker runs as it lapses (the registry already shows the dead worker stale, so no second scan confirms it), and the reconnections from stored credentials: every channel is taken first (its lease, and its row moved to `connecting`), then their sockets open 32 at a time, each waited for until ready before the next opens.',
        '',
      ].join('\n'),
    );
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  } finally {
    if (process.env.CLUSTER_LOGS) cluster.writeLogs(process.env.CLUSTER_LOGS);
    await cluster.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
