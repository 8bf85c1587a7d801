import { Global, Module } from '@nestjs/common';
import { EventCauses } from './event-causes';
import { EventsRepository } from './events.repository';
import { EventsService } from './events.service';

@Global()
@Module({ providers: [EventsRepository, EventsService, EventCauses], exports: [EventsService, EventCauses] })
export class EventsModule {}
