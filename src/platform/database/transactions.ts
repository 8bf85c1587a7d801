import { Inject, Injectable } from '@nestjs/common';
import type { Prisma, PrismaClient } from '../../generated/prisma/client';
import { PRISMA } from './prisma-token';
import { SQL, type Sql, type SqlQuery } from './sql';

declare const inTransaction: unique symbol;

/**
 * A database transaction in progress. Opaque on purpose: services carry it from `Transactions.run` (or the
 * events outbox) to repository calls and cannot query through it, so SQL stays inside repositories.
 */
export interface Transaction {
  readonly [inTransaction]: true;
}

/** What a transaction is underneath: plain SQL always; Prisma's client too when it was opened through Prisma. */
interface OpenTransaction {
  sql: SqlQuery;
  prisma?: Prisma.TransactionClient;
}

const open = (inside: OpenTransaction): Transaction => inside as unknown as Transaction;

/** For repositories: the plain SQL of a transaction, of either kind. */
export function sqlIn(tx: Transaction): SqlQuery {
  return (tx as unknown as OpenTransaction).sql;
}

/** For repositories: the Prisma client of a transaction opened with `Transactions.run`. */
export function clientOf(tx: Transaction): Prisma.TransactionClient {
  const prisma = (tx as unknown as OpenTransaction).prisma;
  if (!prisma) throw new Error('this repository call queries through Prisma, and the transaction is plain SQL (runPlain)');
  return prisma;
}

/**
 * Runs work in one database transaction: it commits when the work resolves and rolls back when it throws.
 * Two kinds: `run` opens it through Prisma, for repositories that use Prisma's models; `runPlain` opens it on
 * the driver (sql.ts), about a tenth of the CPU, for units of work whose repositories all speak plain SQL
 * (`sqlIn`). A repository that calls `clientOf` inside a plain transaction fails at once, loudly.
 */
@Injectable()
export class Transactions {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(SQL) private readonly sql: Sql,
  ) {}

  /** `timeoutMs`: how long the work may hold the transaction open (Prisma's default: 5 s) before it is rolled back. */
  run<T>(work: (tx: Transaction) => Promise<T>, options: { timeoutMs?: number } = {}): Promise<T> {
    return this.prisma.$transaction(
      (client) =>
        work(
          open({
            prisma: client,
            sql: { query: (text, values = []) => client.$queryRawUnsafe(text, ...values) },
          }),
        ),
      options.timeoutMs ? { timeout: options.timeoutMs } : undefined,
    );
  }

  /** A transaction of plain SQL only; its statements are expected to be short (no time limit of its own). */
  runPlain<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.sql.transaction((sql) => work(open({ sql })));
  }
}
