import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import type { ListedWorker } from '../../engine/worker-registry';

const timestamp = z.iso.datetime({ offset: true });

export const workerSchema = z
  .object({
    id: z.string().describe("The process' worker id: what a channel's `worker_id` names."),
    role: z.enum(['all', 'api', 'worker']).describe('What the process does; `all` serves the API and holds WhatsApp sessions.'),
    capacity: z.number().int().describe('Sessions it may hold (`WORKER_CAPACITY`).'),
    sessions: z.number().int().describe('WhatsApp sessions it held at its last heartbeat.'),
    channels: z.number().int().describe('Channels whose `worker_id` names it, from the database (deleted ones left out).'),
    hostname: z.string(),
    pid: z.number().int(),
    version: z.string().describe("The gateway's version the process runs."),
    started_at: timestamp,
    last_heartbeat: timestamp,
    stale: z.boolean().describe('No heartbeat for over two intervals: the process is stuck or gone, and its entry lapses after three.'),
  })
  .meta({ id: 'Worker' });

export class WorkerListDto extends createZodDto(z.object({ data: z.array(workerSchema) })) {}

export function toWorker(worker: ListedWorker, channels: number): z.infer<typeof workerSchema> {
  return {
    id: worker.id,
    role: worker.role,
    capacity: worker.capacity,
    sessions: worker.sessions,
    channels,
    hostname: worker.hostname,
    pid: worker.pid,
    version: worker.version,
    started_at: new Date(worker.startedAt).toISOString(),
    last_heartbeat: new Date(worker.lastHeartbeat).toISOString(),
    stale: worker.stale,
  };
}
