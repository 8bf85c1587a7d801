import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';

/** This process' identity among the gateway's workers (leases name it). */
export const WORKER_ID = Symbol('WORKER_ID');

export function newWorkerId(): string {
  return `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}
