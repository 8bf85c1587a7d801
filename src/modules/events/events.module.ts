import { DynamicModule, Global, Module } from '@nestjs/common';
import { EventCatalogue } from './event-catalogue';
import { EventCauses } from './event-causes';
import { EventsRepository } from './events.repository';
import { EventsService } from './events.service';
import { Outbox } from './outbox';

/**
 * The event log, the outbox and the event catalogue. The catalogue is handed in by the composition root,
 * which assembles it from the modules that emit events (src/event-catalogue.ts); this module imports none.
 */
@Global()
@Module({})
export class EventsModule {
  static forRoot(catalogue: EventCatalogue): DynamicModule {
    return {
      module: EventsModule,
      providers: [{ provide: EventCatalogue, useValue: catalogue }, EventsRepository, EventsService, Outbox, EventCauses],
      exports: [EventCatalogue, EventsService, Outbox, EventCauses],
    };
  }
}
