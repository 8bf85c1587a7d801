import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { AdminAccountsController } from './admin-accounts.controller';

@Module({ imports: [AccountsModule], controllers: [AdminAccountsController] })
export class AdminModule {}
