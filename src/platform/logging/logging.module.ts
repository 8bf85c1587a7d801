import { DynamicModule, Global, Module } from '@nestjs/common';
import { AppLogger } from './app-logger';

/**
 * Structured JSON logs (pino): the application's logger, whose lines carry the request's id when written while
 * serving one. The request lines themselves come from `requestLogging`, mounted with the HTTP middleware.
 */
@Global()
@Module({})
export class LoggingModule {
  static forRoot(level: string): DynamicModule {
    return {
      module: LoggingModule,
      providers: [{ provide: AppLogger, useValue: AppLogger.create(level) }],
      exports: [AppLogger],
    };
  }
}
