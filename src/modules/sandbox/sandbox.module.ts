import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { MessagesModule } from '../messages/messages.module';
import { SandboxCallsController } from './sandbox-calls.controller';
import { SandboxCallsService } from './sandbox-calls.service';
import { SandboxPresenceController, SandboxPresenceService } from './sandbox-presence.controller';
import { SandboxController } from './sandbox.controller';
import { SandboxService } from './sandbox.service';

@Module({
  imports: [ChannelsModule, MessagesModule],
  controllers: [SandboxController, SandboxCallsController, SandboxPresenceController],
  providers: [SandboxService, SandboxCallsService, SandboxPresenceService],
  exports: [SandboxService],
})
export class SandboxModule {}
