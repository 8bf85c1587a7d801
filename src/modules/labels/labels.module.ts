import { Module } from '@nestjs/common';
import { ChannelsModule } from '../channels/channels.module';
import { MessagesModule } from '../messages/messages.module';
import { LabelsController } from './labels.controller';
import { LabelsRepository } from './labels.repository';
import { LabelsService } from './labels.service';

/** WhatsApp Business labels: a table fed by app-state sync and by the API's changes, made on WhatsApp. */
@Module({ imports: [ChannelsModule, MessagesModule], controllers: [LabelsController], providers: [LabelsRepository, LabelsService] })
export class LabelsModule {}
