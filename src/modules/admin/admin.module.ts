import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { ChannelsModule } from '../channels/channels.module';
import { AdminAccountsController } from './admin-accounts.controller';
import { AdminChannelsController } from './admin-channels.controller';

@Module({ imports: [AccountsModule, ChannelsModule], controllers: [AdminAccountsController, AdminChannelsController] })
export class AdminModule {}
