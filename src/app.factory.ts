import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express from 'express';
import { AppModule, AppRuntime } from './app.module';
import { ignoreIfNoneMatchAnyOnReads } from './platform/http/conditional-requests';
import { requestIdMiddleware } from './platform/http/request-id';
import { AppLogger } from './platform/logging/app-logger';
import { requestLogging } from './platform/logging/request-logging';
import { JSON_MEDIA_TYPES } from './platform/http/request-shape';
import { workerRoutesOnly } from './platform/http/worker-routes';
import { MetricsService } from './platform/metrics/metrics.service';
import { buildOpenApiDocument, mountOpenApi } from './platform/openapi/openapi-document';
import { EventCatalogue } from './modules/events/event-catalogue';
import { webhooksOpenApi } from './modules/webhooks/webhooks.openapi';

/** Builds the HTTP application on a resolved runtime; used by main and by the integration tests alike. */
export async function createApp(runtime: AppRuntime): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(runtime), {
    bodyParser: false,
    bufferLogs: true,
  });
  const logger = app.get(AppLogger);
  app.useLogger(logger);
  if (runtime.config.trustProxy) app.set('trust proxy', true);
  app.disable('x-powered-by');
  app.use(requestIdMiddleware);
  app.use(requestLogging(logger.pino));
  if (runtime.config.gatewayRole === 'worker') app.use(workerRoutesOnly);
  app.use(app.get(MetricsService).middleware);
  app.use(ignoreIfNoneMatchAnyOnReads);
  app.use(express.json({ limit: runtime.config.bodyLimit, type: JSON_MEDIA_TYPES }));
  // Built on the first request for it rather than here: it takes a second of CPU, which every start (a restart
  // reconnecting its channels, a worker taking over a dead one's) would otherwise pay before serving anything.
  mountOpenApi(app, () => buildOpenApiDocument(app, runtime.config.publicBaseUrl, webhooksOpenApi(app.get(EventCatalogue))));
  await app.init();
  return app;
}
