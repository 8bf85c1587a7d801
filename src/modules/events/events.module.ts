import { Global, Module } from '@nestjs/common';
import { EventCauses } from './event-causes';
import { EventsRepository } from './events.repository';
import { EventsService } from './events.service';
import { Outbox } from './outbox';

@Global()
@Module({ providers: [EventsRepository, EventsService, Outbox, EventCauses], exports: [EventsService, Outbox, EventCauses] })
export class EventsModule {}
