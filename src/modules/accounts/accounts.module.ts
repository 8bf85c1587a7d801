import { Module } from '@nestjs/common';
import { ApiKeyLookup } from '../auth/api-key-lookup';
import { ChannelsModule } from '../channels/channels.module';
import { AccountsRepository } from './accounts.repository';
import { AccountsService } from './accounts.service';

@Module({
  imports: [ChannelsModule],
  // The keys are this module's: it answers authentication's lookup (see ApiKeyLookup).
  providers: [AccountsRepository, AccountsService, { provide: ApiKeyLookup, useExisting: AccountsService }],
  exports: [AccountsService, ApiKeyLookup],
})
export class AccountsModule {}
