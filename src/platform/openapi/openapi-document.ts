import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { cleanupOpenApiDoc } from 'nestjs-zod';
import { version as PACKAGE_VERSION } from '../../../package.json';
import { declareBodyErrors, declareRequestErrors } from './api-error-responses';
import { addExamples } from './openapi-examples';
import { API_TAGS } from './openapi-tags';
import { declareResponseHeaders } from './response-headers';
import { ADMIN_SECURITY, API_KEY_SECURITY } from './security-schemes';
import { restoreTypeUnions, zodDtosOf } from './zod-type-unions';

export const API_TITLE = 'WhatIsUp API';
/** The gateway's own version (package.json), the one its webhook User-Agent reports too. */
export const API_VERSION: string = PACKAGE_VERSION;

/** The OpenAPI 3.1 `webhooks` map and the component schemas it references. */
export interface WebhooksSection {
  webhooks: Record<string, object>;
  schemas: Record<string, object>;
}

/**
 * The OpenAPI 3.1 document, generated from the zod contracts the routes validate with, and the `webhooks`
 * section the composition root hands in (the webhooks module writes it from the event catalogue).
 */
export function buildOpenApiDocument(app: INestApplication, serverUrl: string, webhooks: WebhooksSection): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle(API_TITLE)
    .setDescription(
      'Developer-first WhatsApp gateway: one REST API and signed webhooks. Every 4xx/5xx answers with ' +
        '`{ "error": { "code", "message", "details"? }, "request_id" }`; match on `code`.',
    )
    .setVersion(API_VERSION)
    .setOpenAPIVersion('3.1.0')
    .addServer(serverUrl)
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'zpk_live_… / zpk_test_…',
        description: 'An API key: a live key (zpk_live_…) acts on live channels, a test key (zpk_test_…) on sandbox channels.',
      },
      API_KEY_SECURITY,
    )
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', bearerFormat: 'ADMIN_TOKEN', description: "The operator's ADMIN_TOKEN; API keys are refused." },
      ADMIN_SECURITY,
    );
  for (const tag of API_TAGS) builder.addTag(tag.name, tag.description);
  const document = cleanupOpenApiDoc(
    SwaggerModule.createDocument(app, builder.build(), {
      operationIdFactory: (controllerKey, methodKey) => `${controllerKey.replace(/Controller$/, '')}_${methodKey}`,
    }),
    { version: '3.1' },
  );
  restoreTypeUnions(document, zodDtosOf(app));
  declareBodyErrors(document);
  declareRequestErrors(document);
  declareResponseHeaders(document, API_KEY_SECURITY);
  addExamples(document);
  addWebhooks(document, webhooks);
  return document;
}

/** Adds the `webhooks` section and its schemas. A schema name the document already uses is an error rather than a silent overwrite. */
function addWebhooks(document: OpenAPIObject, { webhooks, schemas }: WebhooksSection): void {
  const components = (document.components ??= {});
  const existing = (components.schemas ??= {});
  const clashes = Object.keys(schemas).filter((name) => name in existing);
  if (clashes.length > 0) throw new Error(`webhook schemas clash with API schemas: ${clashes.join(', ')}`);
  Object.assign(existing, schemas);
  document.webhooks = { ...document.webhooks, ...(webhooks as OpenAPIObject['webhooks']) };
}

/** Serves the document at /openapi.json and its reference at /docs; a factory is called once, on the first request. */
export function mountOpenApi(app: INestApplication, document: OpenAPIObject | (() => OpenAPIObject)): void {
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'openapi.json',
    swaggerOptions: { persistAuthorization: true },
    customSiteTitle: `${API_TITLE} — reference`,
  });
}
