import { DynamicModule, Global, Module } from '@nestjs/common';
import type { PrismaClient } from './index';

/** The Prisma client, opened (and migrated) before the application is built; repositories inject it. */
export const PRISMA = Symbol('PRISMA');

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(prisma: PrismaClient): DynamicModule {
    return { module: DatabaseModule, providers: [{ provide: PRISMA, useValue: prisma }], exports: [PRISMA] };
  }
}
