import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { AccountsRepository } from './accounts.repository';
import { AccountsService } from './accounts.service';

@Module({ imports: [ChannelsModule], providers: [AccountsRepository, AccountsService], exports: [AccountsService] })
export class AccountsModule {}
