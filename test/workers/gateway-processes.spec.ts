import { ClusterCustomer, PairedChannel, Traffic } from '../support/cluster-customer';
import { GatewayCluster } from '../support/gateway-cluster';
import { eventually } from '../support/eventually';
import { signalAndWait } from '../support/processes';
import { Receiver } from '../webhooks/support/receiver';
import { RemoteSimulator } from '../../src/simulator/control/remote-simulator';

/**
 * The deployment the README's "Running several workers" describes, as real processes: one API process and two
 * workers started from src/main.ts, on a PostgreSQL and a Redis of their own, sharing one simulator process.
 * Everything is driven through the API process; what the workers do is seen in the API's answers, the
 * database and the simulated phones.
 */

const CHANNELS = 30;
const LEASE_MS = 3_000;
/**
 * From the moment a worker is lost to every one of its channels connected elsewhere: lease (3 s), a scan
 * (1 s) and the reconnections, on a machine that also runs the other test files. bench:failover measures it.
 */
const FAILOVER_BOUND_MS = 60_000;
/**
 * The simulator may read a dying worker's last receipts a moment after the test saw the process exit (its own event
 * loop lags under load). No other worker can have acknowledged anything that early: a killed worker's lease lapses
 * at least two thirds of LEASE_MS after its death (it renews every third), and only then does another log in.
 */
const ACKNOWLEDGEMENT_LAG_MS = LEASE_MS / 3;
/** A worker killed with kill -9: when it was seen dead, and the channels it held. */
interface KillOf {
  diedAt: number;
  channelIds: Set<string>;
}

describe('One API process and two workers, on a shared simulator', () => {
  let cluster: GatewayCluster;
  let receiver: Receiver;
  let customer: ClusterCustomer;
  const channels: PairedChannel[] = [];

  const api = <T = Record<string, unknown>>(method: string, route: string, body?: unknown) => customer.api<T>(method, route, body);
  const workersOf = (list: PairedChannel[]) => customer.placements(list);
  const workerIdOf = (name: string) => customer.workerIdOf(name);
  const connectedElsewhere = (list: PairedChannel[], notOn: string | null, timeoutMs = FAILOVER_BOUND_MS) =>
    customer.connectedElsewhere(list, notOn, timeoutMs);
  const traffic = (label: string, ms: number, midway: () => Promise<unknown>) => customer.traffic(channels, label, ms, midway);

  /**
   * The inbound messages stored, once each. After a kill -9, a message may be missing only if it went to a channel
   * of the killed worker and that channel's device had acknowledged it to WhatsApp (Baileys' receipt, sent once
   * decrypted) before the worker died: WhatsApp will not send it again, and Baileys has no way to acknowledge after
   * the gateway has stored it (README, "Running several workers"). Any other missing message fails.
   */
  async function storedInbound(done: Traffic, kill?: KillOf): Promise<Array<{ text: string; copies: string }>> {
    const texts = done.inbound.map((m) => m.text);
    const read = () =>
      cluster.query<{ text: string; copies: string }>(
        `SELECT content->>'text' AS text, count(*) AS copies FROM messages
          WHERE direction = 'inbound' AND content->>'text' = ANY($1) GROUP BY 1`,
        [texts],
      );
    if (!kill) return eventually(read, (rows) => rows.length === texts.length, 90_000, 250);
    const simulator = await RemoteSimulator.connect(cluster.simulator.controlUrl);
    const state = async () => {
      const rows = await read();
      const stored = new Set(rows.map((row) => row.text));
      const missing = done.inbound.filter((m) => !stored.has(m.text));
      const acknowledged = await simulator.acknowledgements(missing.map((m) => m.waMessageId));
      const lostWithTheWorker = (m: Traffic['inbound'][number]) => {
        const at = acknowledged[m.waMessageId]?.at;
        return kill.channelIds.has(m.channel.id) && at !== undefined && at <= kill.diedAt + ACKNOWLEDGEMENT_LAG_MS;
      };
      const unexplained = missing
        .filter((m) => !lostWithTheWorker(m))
        .map((m) => ({
          text: m.text,
          id: m.waMessageId,
          acknowledged_ms_after_death: acknowledged[m.waMessageId] ? acknowledged[m.waMessageId].at - kill.diedAt : null,
        }));
      const lostAgesMs = missing.filter(lostWithTheWorker).map((m) => kill.diedAt - acknowledged[m.waMessageId].at);
      return { rows, lostAgesMs, unexplained };
    };
    try {
      const seen = await eventually(state, (s) => s.unexplained.length === 0, 90_000, 250).catch(async () => {
        throw new Error(
          `inbound messages missing after the kill, not acknowledged by the killed worker: ${JSON.stringify((await state()).unexplained)}`,
        );
      });
      const ages = seen.lostAgesMs;
      process.stdout.write(
        `inbound acknowledged by the killed worker and lost with it: ${ages.length}${ages.length ? ` (acknowledged ${ages.join(', ')} ms before it died)` : ''}\n`,
      );
      return seen.rows;
    } finally {
      await simulator.close();
    }
  }

  /**
   * Every accepted send decrypted once by its contact's phone, every inbound message stored once, and every
   * message.received delivered to the webhook receiver: once, or, when a worker was killed, under one delivery
   * id with no attempt received twice.
   */
  async function expectExactlyOnce(done: Traffic, options: { killed?: KillOf } = {}): Promise<void> {
    expect(done.sends.length).toBeGreaterThan(0);
    expect(done.inbound.length).toBeGreaterThan(0);
    const copies = await eventually(
      () => customer.copiesAtPhones(done.sends),
      (counts) => [...counts.values()].every((count) => count > 0),
      90_000,
      250,
    ).catch(async (error: Error) => {
      // what the gateway recorded of the sends the contacts never decrypted
      const rows = await cluster.query(
        `SELECT id, status, attempts, claimed_until, failure_reason, wa_message_id, updated_at FROM messages WHERE id = ANY($1)`,
        [done.sends.map((send) => send.messageId)],
      );
      throw new Error(`${error.message}\nrows: ${JSON.stringify(rows)}`);
    });
    expect([...copies.entries()].filter(([, count]) => count !== 1)).toEqual([]);

    const stored = await storedInbound(done, options.killed);
    expect(stored.filter((row) => Number(row.copies) !== 1)).toEqual([]);
    const texts = stored.map((row) => row.text);

    const delivered = await eventually(
      async () =>
        receiver.received.filter(
          (r) => r.body.event === 'message.received' && texts.includes((r.body.payload.message as { text?: string }).text ?? ''),
        ),
      (list) => new Set(list.map((r) => (r.body.payload.message as { text: string }).text)).size === texts.length,
      90_000,
      250,
    );
    // one event, so one delivery (its id is the receiver's idempotency key), per inbound message
    const deliveriesOf = new Map<string, Set<string>>();
    for (const r of delivered) {
      const text = (r.body.payload.message as { text: string }).text;
      deliveriesOf.set(text, (deliveriesOf.get(text) ?? new Set()).add(r.body.id));
    }
    expect([...deliveriesOf.entries()].filter(([, ids]) => ids.size !== 1)).toEqual([]);
    const perAttempt = new Map<string, number>();
    for (const r of delivered)
      perAttempt.set(`${r.body.id} #${r.body.attempt}`, (perAttempt.get(`${r.body.id} #${r.body.attempt}`) ?? 0) + 1);
    // never the same attempt twice; a process killed between a receiver's 200 and recording it has the delivery
    // sent again by another, as its next attempt (at least once), which only a kill may cause
    expect([...perAttempt.entries()].filter(([, count]) => count !== 1)).toEqual([]);
    if (!options.killed) expect(delivered).toHaveLength(texts.length);
  }

  beforeAll(async () => {
    cluster = await GatewayCluster.start({
      CHANNEL_LEASE_MS: String(LEASE_MS),
      WORKER_HEARTBEAT_MS: '1000',
      WORKER_CALL_TIMEOUT_MS: '10000',
    });
    await cluster.startGateway('api', 'api');
    await Promise.all([
      cluster.startGateway('w1', 'worker', { WORKER_CAPACITY: String(CHANNELS) }),
      cluster.startGateway('w2', 'worker', { WORKER_CAPACITY: String(CHANNELS) }),
    ]);
    receiver = await Receiver.start();
    customer = await ClusterCustomer.create(cluster);
    const endpoint = await api('POST', '/v1/webhooks', { url: receiver.url('/hook') });
    expect(endpoint.status).toBe(201);
  }, 600_000);

  afterAll(async () => {
    // CLUSTER_LOGS=<dir> keeps every process' output of the run
    if (process.env.CLUSTER_LOGS) cluster?.writeLogs(process.env.CLUSTER_LOGS);
    await receiver?.close();
    await cluster?.close();
  }, 120_000);

  it('spreads 30 sandbox channels over both workers, and sends through the API process reach each one', async () => {
    for (let i = 0; i < CHANNELS; i += 5) {
      channels.push(...(await Promise.all([0, 1, 2, 3, 4].map((j) => customer.pair(`cluster ${i + j}`)))));
    }
    const placed = await workersOf(channels);
    const perWorker = new Map<string, number>();
    for (const { worker_id } of placed.values()) perWorker.set(worker_id!, (perWorker.get(worker_id!) ?? 0) + 1);
    expect(perWorker.size).toBe(2);
    expect(Math.min(...perWorker.values())).toBeGreaterThanOrEqual(10);

    const workers = await cluster.call<{ data: Array<{ id: string; role: string; channels: number }> }>(
      'api',
      'GET',
      '/v1/admin/workers',
      cluster.adminToken,
    );
    const live = workers.body.data.filter((w) => w.role === 'worker');
    expect(live.map((w) => [w.id, w.channels]).sort()).toEqual([...perWorker.entries()].sort());

    const done = await traffic('spread', 3_000, async () => undefined);
    expect(done.refused).toBe(0);
    await expectExactlyOnce(done);
  }, 600_000);

  it('after kill -9 of a worker during sends and inbound messages, its channels come back on the other, nothing lost or doubled', async () => {
    const w1Id = await workerIdOf('w1');
    const placed = await workersOf(channels);
    const onW1 = new Set([...placed.entries()].filter(([, s]) => s.worker_id === w1Id).map(([id]) => id));
    expect(onW1.size).toBeGreaterThanOrEqual(10);
    let failoverMs = 0;
    let diedAt = 0;
    const done = await traffic('kill', 12_000, async () => {
      await cluster.kill('w1');
      diedAt = Date.now();
      failoverMs = await connectedElsewhere(channels, w1Id);
    });
    process.stdout.write(
      `failover after kill -9: ${failoverMs} ms, ${done.sends.length} sends and ${done.inbound.length} inbound accepted, ${done.refused} refused\n`,
    );
    expect(failoverMs).toBeLessThan(FAILOVER_BOUND_MS);
    await expectExactlyOnce(done, { killed: { diedAt, channelIds: onW1 } });
  }, 600_000);

  it('answers worker_at_capacity when every live worker is full, and a worker started later takes the new channel', async () => {
    const created = await api<{ id: string }>('POST', '/v1/channels', { name: 'one too many' });
    const refused = await api<{ error: { code: string } }>('POST', `/v1/channels/${created.body.id}/connect`);
    expect([refused.status, refused.body.error.code]).toEqual([503, 'worker_at_capacity']);

    await cluster.startGateway('w3', 'worker', { WORKER_CAPACITY: String(CHANNELS + 10) });
    const w3Id = await workerIdOf('w3');
    const connect = await api('POST', `/v1/channels/${created.body.id}/connect`);
    expect(connect.status).toBe(202);
    const status = await eventually(
      async () => (await api<{ status: string; worker_id: string | null }>('GET', `/v1/channels/${created.body.id}/status`)).body,
      (s) => s.status === 'qr',
      60_000,
      200,
    );
    expect(status.worker_id).toBe(w3Id);
    await api('POST', `/v1/channels/${created.body.id}/disconnect`);
  }, 300_000);

  it('a worker paused past its lease (SIGSTOP) loses its channels to another, and closes its sockets when it resumes', async () => {
    const w2 = cluster.member('w2');
    const w2Id = await workerIdOf('w2');
    expect([...(await workersOf(channels)).values()].every((s) => s.worker_id === w2Id)).toBe(true);
    w2.child.kill('SIGSTOP');
    let movedMs: number;
    try {
      movedMs = await connectedElsewhere(channels, w2Id);
    } finally {
      w2.child.kill('SIGCONT');
    }
    process.stdout.write(`channels of a paused worker connected elsewhere after ${movedMs} ms\n`);
    // resumed, it finds every lease taken and closes those sockets instead of fighting the new owner: its
    // heartbeat reports no session left
    await eventually(
      async () =>
        (
          await cluster.call<{ data: Array<{ id: string; sessions: number; stale: boolean }> }>(
            'api',
            'GET',
            '/v1/admin/workers',
            cluster.adminToken,
          )
        ).body.data.find((w) => w.id === w2Id),
      (worker) => worker !== undefined && !worker.stale && worker.sessions === 0,
      30_000,
      200,
    );
    await new Promise((resolve) => setTimeout(resolve, 2 * LEASE_MS));
    const w3Id = await workerIdOf('w3');
    expect([...(await workersOf(channels)).values()].filter((s) => s.status !== 'connected' || s.worker_id !== w3Id)).toEqual([]);
    await expectExactlyOnce(await traffic('resumed', 3_000, async () => undefined));
  }, 600_000);

  it('Redis restarted during sends and inbound messages: nothing lost or doubled', async () => {
    const done = await traffic('redis', 9_000, () => cluster.redis.restart());
    process.stdout.write(
      `Redis restart: ${done.sends.length} sends and ${done.inbound.length} inbound accepted, ${done.refused} refused\n`,
    );
    await connectedElsewhere(channels, null);
    await expectExactlyOnce(done);
  }, 600_000);

  it('PostgreSQL restarted during sends and inbound messages: nothing lost or doubled', async () => {
    const done = await traffic('postgres', 9_000, () => cluster.postgres.restart());
    process.stdout.write(
      `PostgreSQL restart: ${done.sends.length} sends and ${done.inbound.length} inbound accepted, ${done.refused} refused\n`,
    );
    await connectedElsewhere(channels, null);
    await expectExactlyOnce(done);
  }, 600_000);

  it('every process stopped and started again: the sandbox channels come back paired, without a QR', async () => {
    for (const name of [...cluster.members.keys()]) {
      const output = cluster.member(name).output;
      const code = await cluster.stop(name);
      // What this test is about is the pairing that survives; a stop that failed is shown, for its cause.
      if (code !== 0) process.stderr.write(`${name} exited with ${code} on SIGTERM:\n${output().slice(-4000)}\n`);
    }
    await cluster.startGateway('api', 'api');
    await cluster.startGateway('w1', 'worker', { WORKER_CAPACITY: String(CHANNELS + 10) });
    await connectedElsewhere(channels, null, 120_000);
    const qrs = await cluster.query<{ channel_id: string; qrs: string }>(
      `SELECT channel_id, count(*) AS qrs FROM domain_events
        WHERE type = 'channel.state_changed' AND payload->>'to' = 'qr' AND channel_id::text = ANY($1::text[]) GROUP BY 1`,
      [channels.map((c) => c.id)],
    );
    expect(qrs.filter((row) => Number(row.qrs) !== 1)).toEqual([]);
    expect(qrs).toHaveLength(channels.length);
    await expectExactlyOnce(await traffic('restarted', 3_000, async () => undefined));
  }, 600_000);

  it('a worker stopped while it restores the channels at its start stops gracefully, its leases given back', async () => {
    expect(await cluster.stop('w1')).toBe(0);
    expect(await cluster.channelLeases()).toEqual([]);
    // At its start the worker takes the 30 channels the last one left connected; it is stopped as soon as the
    // first is written as its own (`<host>-<pid>-…`), while it opens their sockets.
    const booting = cluster.launch('w2', 'worker', { WORKER_CAPACITY: String(CHANNELS + 10) });
    await eventually(
      () => cluster.query<{ n: string }>(`SELECT count(*) AS n FROM channels WHERE worker_id LIKE $1`, [`%-${booting.pid}-%`]),
      (rows) => Number(rows[0].n) > 0,
      120_000,
      20,
    );
    const exit = await signalAndWait(booting, 'SIGTERM', 30_000);
    expect({ code: exit.code, signal: exit.signal, timedOut: exit.timedOut }).toEqual({ code: 0, signal: null, timedOut: false });
    // None left to lapse: the next worker takes every channel at its start.
    expect(await cluster.channelLeases()).toEqual([]);
    await cluster.startGateway('w1', 'worker', { WORKER_CAPACITY: String(CHANNELS + 10) });
    await connectedElsewhere(channels, null);
    await expectExactlyOnce(await traffic('after a stop while starting', 3_000, async () => undefined));
  }, 600_000);
});
