import { Inject, Injectable } from '@nestjs/common';
import type { Prisma, PrismaClient } from '../../generated/prisma/client';
import { PRISMA } from './prisma-token';

declare const inTransaction: unique symbol;

/**
 * A database transaction in progress. Opaque on purpose: services carry it from `Transactions.run` (or the
 * events outbox) to repository calls and cannot query through it, so Prisma stays inside repositories.
 */
export interface Transaction {
  readonly [inTransaction]: true;
}

/** For repositories: the Prisma client of a transaction. */
export function clientOf(tx: Transaction): Prisma.TransactionClient {
  return tx as unknown as Prisma.TransactionClient;
}

/** Runs work in one database transaction: it commits when the work resolves and rolls back when it throws. */
@Injectable()
export class Transactions {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /** `timeoutMs`: how long the work may hold the transaction open (Prisma's default: 5 s) before it is rolled back. */
  run<T>(work: (tx: Transaction) => Promise<T>, options: { timeoutMs?: number } = {}): Promise<T> {
    return this.prisma.$transaction(
      (client) => work(client as unknown as Transaction),
      options.timeoutMs ? { timeout: options.timeoutMs } : undefined,
    );
  }
}
