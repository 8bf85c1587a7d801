import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { cleanupOpenApiDoc } from 'nestjs-zod';

export const API_TITLE = 'WhatIsUp API';
export const API_VERSION = '1.0.0';

/** The OpenAPI 3.1 document, generated from the zod contracts the routes validate with. */
export function buildOpenApiDocument(app: INestApplication, serverUrl: string): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle(API_TITLE)
    .setDescription(
      'Developer-first WhatsApp gateway: one REST API and signed webhooks. Every 4xx/5xx answers with ' +
        '`{ "error": { "code", "message", "details"? }, "request_id" }`; match on `code`.',
    )
    .setVersion(API_VERSION)
    .setOpenAPIVersion('3.1.0')
    .addServer(serverUrl)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'zpk_live_… / zpk_test_…' })
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (controllerKey, methodKey) => `${controllerKey.replace(/Controller$/, '')}_${methodKey}`,
  });
  return cleanupOpenApiDoc(document, { version: '3.1' });
}

export function mountOpenApi(app: INestApplication, document: OpenAPIObject): void {
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'openapi.json',
    swaggerOptions: { persistAuthorization: true },
    customSiteTitle: `${API_TITLE} — reference`,
  });
}
