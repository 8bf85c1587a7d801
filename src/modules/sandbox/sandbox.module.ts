import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { SandboxController } from './sandbox.controller';
import { SandboxService } from './sandbox.service';

@Module({ imports: [ChannelsModule], controllers: [SandboxController], providers: [SandboxService], exports: [SandboxService] })
export class SandboxModule {}
