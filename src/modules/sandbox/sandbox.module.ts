import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { MessagesModule } from '../messages/messages.module';
import { SandboxAccountSettingsController } from './sandbox-account-settings.controller';
import { SandboxAccountSettingsService } from './sandbox-account-settings.service';
import { SandboxLabelsController } from './sandbox-labels.controller';
import { SandboxController } from './sandbox.controller';
import { SandboxService } from './sandbox.service';

@Module({
  imports: [ChannelsModule, MessagesModule],
  controllers: [SandboxController, SandboxAccountSettingsController, SandboxLabelsController],
  providers: [SandboxService, SandboxAccountSettingsService],
  exports: [SandboxService],
})
export class SandboxModule {}
