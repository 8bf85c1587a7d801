import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { MessagesModule } from '../messages/messages.module';
import { SandboxGroupsController } from './sandbox-groups.controller';
import { SandboxGroupsService } from './sandbox-groups.service';
import { SandboxController } from './sandbox.controller';
import { SandboxService } from './sandbox.service';

@Module({
  imports: [ChannelsModule, MessagesModule],
  controllers: [SandboxController, SandboxGroupsController],
  providers: [SandboxService, SandboxGroupsService],
  exports: [SandboxService],
})
export class SandboxModule {}
