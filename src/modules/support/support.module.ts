import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { SupportController } from './support.controller';
import { SupportRepository } from './support.repository';
import { SupportService } from './support.service';

@Module({ imports: [ChannelsModule], controllers: [SupportController], providers: [SupportRepository, SupportService] })
export class SupportModule {}
