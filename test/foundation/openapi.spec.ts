import { compileErrors, validate } from '@readme/openapi-parser';
import fs from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { version as PACKAGE_VERSION } from '../../package.json';
import { OPERATIONS_WITH_EXAMPLES } from '../../src/platform/openapi/openapi-examples';
import { ApiContract, OpenApiDocument, Operation } from '../support/contract';
import { bearer } from '../support/http';
import { useTestContext } from '../support/context';

interface ZodDto {
  name: string;
  schema: z.ZodType;
  isZodDto: true;
}

/** Every zod DTO class the contracts export, found without the document's own bookkeeping. */
async function contractDtos(): Promise<ZodDto[]> {
  const root = path.join(__dirname, '../../src');
  const files = [
    ...fs.readdirSync(path.join(root, 'modules')).flatMap((module) =>
      fs
        .readdirSync(path.join(root, 'modules', module))
        .filter((file) => file.endsWith('.contracts.ts'))
        .map((file) => path.join(root, 'modules', module, file)),
    ),
    path.join(root, 'platform/errors/error-envelope.ts'),
  ];
  const modules = await Promise.all(files.map(async (file) => (await import(file)) as Record<string, unknown>));
  return modules.flatMap((exported) =>
    Object.values(exported).filter((value): value is ZodDto => typeof value === 'function' && (value as Partial<ZodDto>).isZodDto === true),
  );
}

/** zod's JSON Schema of a DTO property, with `$defs` references pointed where nestjs-zod publishes them. */
function published(schema: unknown, io: 'input' | 'output'): unknown {
  return JSON.parse(
    JSON.stringify(schema).replace(
      /"#\/\$defs\/([^"]+)"/g,
      (_, id: string) => `"#/components/schemas/${id}${io === 'output' ? '_Output' : ''}"`,
    ),
  );
}

describe('The OpenAPI document', () => {
  const ctx = useTestContext();
  let document: OpenApiDocument;
  let operations: Array<{ name: string; path: string; method: string; op: Operation }>;

  beforeAll(async () => {
    document = (await ctx.http.get('/openapi.json').expect(200)).body;
    operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, path, method, op })),
    );
  });

  it('is OpenAPI 3.1 and passes a standard validator', async () => {
    expect(document.openapi).toBe('3.1.0');
    const result = await validate(structuredClone(document) as never);
    if (!result.valid) throw new Error(compileErrors(result));
    expect(result.valid).toBe(true);
  });

  it('documents every error response with the shared envelope schema', () => {
    expect(operations.length).toBeGreaterThan(10);
    for (const { name, op } of operations) {
      const errors = Object.entries(op.responses).filter(([status]) => Number(status) >= 400);
      expect({ name, errorCount: errors.length > 0 }).toEqual({ name, errorCount: true });
      for (const [status, response] of errors) {
        const ref = (response.content?.['application/json']?.schema as { $ref?: string } | undefined)?.$ref;
        expect({ name, status, ref }).toEqual({ name, status, ref: '#/components/schemas/ErrorEnvelope' });
      }
    }
    expect(document.components.schemas.ErrorEnvelope).toBeDefined();
  });

  it('publishes nullable fields as nullable: every top-level DTO property is the JSON Schema zod writes for it', async () => {
    const schemas = document.components.schemas as Record<string, { properties?: Record<string, unknown> }>;
    expect(schemas.ChannelDto_Output.properties?.phone_number).toEqual({ description: 'E.164, once paired.', type: ['string', 'null'] });
    expect(schemas.MessagePageDto_Output.properties?.next_cursor).toMatchObject({ type: ['string', 'null'] });
    expect(schemas.SendResultDto_Output.properties?.client_ref).toEqual({ type: ['string', 'null'] });

    let compared = 0;
    const mismatches: string[] = [];
    for (const dto of await contractDtos()) {
      const id = z.globalRegistry.get(dto.schema)?.id;
      for (const io of ['input', 'output'] as const) {
        const name = io === 'input' ? (id ?? dto.name) : id ? `${id}_Output` : `${dto.name}_Output`;
        const component = schemas[name];
        if (!component?.properties) continue;
        const generated = z.toJSONSchema(dto.schema, { io }) as { properties?: Record<string, unknown> };
        for (const [property, schema] of Object.entries(generated.properties ?? {})) {
          compared++;
          const expected = published(schema, io);
          if (!isDeepStrictEqual(component.properties[property], expected)) {
            mismatches.push(
              `${name}.${property}: published ${JSON.stringify(component.properties[property])}, zod ${JSON.stringify(expected)}`,
            );
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(200);
    expect(mismatches).toEqual([]);
  });

  it('types the content of messages in responses as precisely as in requests', () => {
    const message = document.components.schemas.Message_Output as { properties: Record<string, { $ref?: string; type?: unknown }> };
    for (const type of [
      'image',
      'video',
      'audio',
      'document',
      'sticker',
      'location',
      'contact',
      'reaction',
      'template',
      'interactive',
      'unsupported',
    ]) {
      const ref = message.properties[type].$ref;
      expect({ type, ref }).toEqual({ type, ref: expect.stringMatching(/^#\/components\/schemas\/\w+Content_Output$/) });
      const content = document.components.schemas[ref!.split('/').pop()!] as { properties?: object; oneOf?: object[] };
      expect({ type, precise: Boolean(content.properties ?? content.oneOf) }).toEqual({ type, precise: true });
    }
    expect(message.properties.text).toEqual({ type: 'string' });
  });

  it('declares X-Request-Id on every response, the rate-limit headers the guard sends, and Retry-After on 429', async () => {
    const { key } = await ctx.newAccount();
    const answer = await ctx.http.get('/v1/support/tickets').set(bearer(key)).expect(200);
    const sent = Object.keys(answer.headers).filter((name) => /^x-(ratelimit|request)/.test(name));
    const declared = Object.keys(document.components.headers ?? {});
    expect(
      declared
        .filter((name) => name.startsWith('X-'))
        .map((name) => name.toLowerCase())
        .sort(),
    ).toEqual(sent.sort());

    for (const { name, op } of operations) {
      const apiKey = (op.security ?? []).some((requirement) => 'bearer' in requirement);
      for (const [status, response] of Object.entries(op.responses)) {
        const headers = Object.keys(response.headers ?? {});
        const expected = [
          'X-Request-Id',
          ...(apiKey && status !== '401' ? ['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset'] : []),
          ...(status === '429' ? ['Retry-After'] : []),
        ];
        expect({ name, status, headers: headers.sort() }).toEqual({ name, status, headers: expected.sort() });
      }
    }
  });

  it('authenticates admin routes with the ADMIN_TOKEN scheme and every other private route with an API key', () => {
    expect(Object.keys(document.components.securitySchemes ?? {}).sort()).toEqual(['admin', 'bearer']);
    const PUBLIC = ['GET /health/live', 'GET /health/ready', 'GET /v1/media/{token}'];
    for (const { name, path, op } of operations) {
      const expected = PUBLIC.includes(name) ? undefined : path.startsWith('/v1/admin/') ? [{ admin: [] }] : [{ bearer: [] }];
      expect({ name, security: op.security }).toEqual({ name, security: expected });
    }
  });

  it('lists its tags in reading order, each with a description, and uses no other', () => {
    expect(document.tags?.map((tag) => tag.name)).toEqual([
      'Channels',
      'Messages',
      'Chats',
      'Contacts',
      'Groups',
      'Communities',
      'Newsletters',
      'Profile',
      'Privacy',
      'Blocklist',
      'Labels',
      'Business',
      'Calls',
      'Presence',
      'Stories',
      'Media',
      'Webhooks',
      'Events',
      'Sandbox',
      'Limits',
      'API keys',
      'Audit events',
      'Support',
      'Health',
      'Admin',
    ]);
    for (const tag of document.tags ?? [])
      expect({ tag: tag.name, described: (tag.description ?? '').length > 20 }).toEqual({ tag: tag.name, described: true });
    const used = new Set(operations.flatMap(({ op }) => (op as { tags?: string[] }).tags ?? []));
    expect([...used].sort()).toEqual(document.tags!.map((tag) => tag.name).sort());
  });

  it('names each path parameter after what it identifies, the channel always {channelId}', () => {
    // Segment → the names its parameter may have (messages/{type} is the send by type, media/{token} a signed link).
    const NAMES: Record<string, string[]> = {
      channels: ['channelId'],
      messages: ['messageId', 'type', 'serverId'],
      media: ['mediaId', 'token'],
      chats: ['chatId'],
      contacts: ['jid'],
      groups: ['groupId'],
      communities: ['communityId'],
      link: ['inviteCode'],
      newsletters: ['newsletterId'],
      invite: ['inviteCode'],
      admins: ['contact'],
      blocklist: ['contact'],
      labels: ['labelId'],
      products: ['productId', 'waProductId'],
      imports: ['importId'],
      orders: ['orderId'],
      'seen-by': ['contact'],
      calls: ['callId'],
      presences: ['contact'],
      stories: ['storyId'],
      webhooks: ['webhookId'],
      'webhook-deliveries': ['deliveryId'],
      tickets: ['ticketId'],
      customers: ['customerId'],
      keys: ['keyId'],
      'api-keys': ['keyId'],
      plans: ['planId'],
    };
    for (const { name, path, op } of operations) {
      const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
      const declared = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
      expect({ name, declared: declared.sort() }).toEqual({ name, declared: [...inPath].sort() });
      for (const [, segment, parameter] of path.matchAll(/\/([\w-]+)\/\{([^}]+)\}/g)) {
        expect({ name, segment, parameter, allowed: NAMES[segment]?.includes(parameter) ?? false }).toEqual({
          name,
          segment,
          parameter,
          allowed: true,
        });
      }
    }
  });

  it('gives examples on the main operations, each valid against its schema', () => {
    const contract = new ApiContract(document);
    for (const operationId of ['Channels_create', 'Messages_send', 'Messages_list', 'Webhooks_create'])
      expect(OPERATIONS_WITH_EXAMPLES).toContain(operationId);
    let checked = 0;
    for (const operationId of OPERATIONS_WITH_EXAMPLES) {
      const found = operations.find(({ op }) => op.operationId === operationId);
      expect({ operationId, found: Boolean(found) }).toEqual({ operationId, found: true });
      const { path, method, op } = found!;
      const at = `/paths/${path.replace(/~/g, '~0').replace(/\//g, '~1')}/${method}`;
      const bodies = [
        { where: `${at}/requestBody/content/application~1json`, content: op.requestBody?.content?.['application/json'] },
        ...Object.entries(op.responses).map(([status, response]) => ({
          where: `${at}/responses/${status}/content/application~1json`,
          content: response.content?.['application/json'],
        })),
      ];
      let examples = 0;
      for (const { where, content } of bodies) {
        for (const [example, { value }] of Object.entries(content?.examples ?? {})) {
          examples++;
          expect({ operationId, example, errors: contract.validate(`${where}/schema`, value) }).toEqual({
            operationId,
            example,
            errors: [],
          });
        }
      }
      expect({ operationId, examples: examples > 0 }).toEqual({ operationId, examples: true });
      checked += examples;
    }
    expect(checked).toBeGreaterThan(15);
  });

  it('reports the version of the gateway (package.json)', () => {
    expect(document.info.version).toBe(PACKAGE_VERSION);
  });

  it('serves Swagger UI at /docs', async () => {
    const res = await ctx.http.get('/docs/').expect(200);
    expect(res.text).toContain('swagger-ui');
  });
});
