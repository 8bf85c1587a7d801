import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { MessagesModule } from '../messages/messages.module';
import { SandboxAccountSettingsController } from './sandbox-account-settings.controller';
import { SandboxAccountSettingsService } from './sandbox-account-settings.service';
import { SandboxGroupsController } from './sandbox-groups.controller';
import { SandboxGroupsService } from './sandbox-groups.service';
import { SandboxCallsController } from './sandbox-calls.controller';
import { SandboxCommunitiesController } from './sandbox-communities.controller';
import { SandboxCommunitiesService } from './sandbox-communities.service';
import { SandboxCallsService } from './sandbox-calls.service';
import { SandboxPresenceController, SandboxPresenceService } from './sandbox-presence.controller';
import { SandboxLabelsController } from './sandbox-labels.controller';
import { SandboxNewslettersController, SandboxNewslettersService } from './sandbox-newsletters.controller';
import { SandboxStoriesController, SandboxStoriesService } from './sandbox-stories.controller';
import { StoriesModule } from '../stories/stories.module';
import { SandboxBusinessController } from './sandbox-business.controller';
import { SandboxController } from './sandbox.controller';
import { SandboxService } from './sandbox.service';

@Module({
  imports: [ChannelsModule, MessagesModule, StoriesModule],
  controllers: [
    SandboxController,
    SandboxGroupsController,
    SandboxCommunitiesController,
    SandboxAccountSettingsController,
    SandboxCallsController,
    SandboxPresenceController,
    SandboxLabelsController,
    SandboxNewslettersController,
    SandboxStoriesController,
    SandboxBusinessController,
  ],
  providers: [
    SandboxService,
    SandboxGroupsService,
    SandboxCommunitiesService,
    SandboxAccountSettingsService,
    SandboxCallsService,
    SandboxPresenceService,
    SandboxNewslettersService,
    SandboxStoriesService,
  ],
  exports: [SandboxService],
})
export class SandboxModule {}
