import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { ChatsController } from './chats.controller';
import { ChatsRepository } from './chats.repository';
import { ChatsService } from './chats.service';

@Module({ imports: [ChannelsModule], controllers: [ChatsController], providers: [ChatsRepository, ChatsService], exports: [ChatsService] })
export class ChatsModule {}
