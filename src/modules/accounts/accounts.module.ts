import { Module } from '@nestjs/common';
import { ApiKeyLookup } from '../auth/api-key-lookup';
import { ChannelsModule } from '../channels/channels.module';
import { AccountsRepository } from './accounts.repository';
import { AccountsService } from './accounts.service';
import { ApiKeysController } from './api-keys.controller';

@Module({
  imports: [ChannelsModule],
  // The keys are this module's: it answers authentication's lookup (see ApiKeyLookup).
  controllers: [ApiKeysController],
  providers: [AccountsRepository, AccountsService, { provide: ApiKeyLookup, useExisting: AccountsService }],
  exports: [AccountsService, ApiKeyLookup],
})
export class AccountsModule {}
