import { DynamicModule, Global, Module } from '@nestjs/common';
import type { PrismaClient } from './index';
import { PRISMA } from './prisma-token';
import { SQL, sqlOf } from './sql';
import { Transactions } from './transactions';

export { PRISMA } from './prisma-token';

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(prisma: PrismaClient): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [{ provide: PRISMA, useValue: prisma }, { provide: SQL, useValue: sqlOf(prisma) }, Transactions],
      exports: [PRISMA, SQL, Transactions],
    };
  }
}
