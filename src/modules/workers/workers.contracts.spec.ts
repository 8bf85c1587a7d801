import { toWorker, workerSchema } from './workers.contracts';

describe(toWorker.name, () => {
  const entry = {
    id: 'host-1-abcdef',
    role: 'all' as const,
    capacity: 1000,
    sessions: 3,
    startedAt: Date.parse('2026-11-26T10:00:00.000Z'),
    lastHeartbeat: Date.parse('2026-11-26T12:00:05.250Z'),
    heartbeatMs: 5000,
    version: '0.1.0',
    hostname: 'host',
    pid: 1,
    stale: false,
  };

  it('shows the heartbeat beside the channels the database assigns, times as ISO-8601', () => {
    const worker = toWorker(entry, 4);
    expect(worker).toEqual({
      id: 'host-1-abcdef',
      role: 'all',
      capacity: 1000,
      sessions: 3,
      channels: 4,
      hostname: 'host',
      pid: 1,
      version: '0.1.0',
      started_at: '2026-11-26T10:00:00.000Z',
      last_heartbeat: '2026-11-26T12:00:05.250Z',
      stale: false,
    });
    expect(workerSchema.safeParse(worker).success).toBe(true);
  });

  it('leaves out what only the registry needs (the interval)', () => {
    expect(toWorker(entry, 0)).not.toHaveProperty('heartbeat_ms');
  });
});
