import { monotonicFactory } from 'ulid';

const nextUlid = monotonicFactory();

/** Prefixed, time-ordered identifiers (`cus_01J…`): readable in logs, sortable for cursor pagination. */
export function newId(prefix: string): string {
  return `${prefix}_${nextUlid()}`;
}
