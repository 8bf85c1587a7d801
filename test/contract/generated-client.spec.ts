import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { createTestDatabase, TestDatabase } from '../support/database';
import { TestGateway } from '../support/gateway';

/**
 * A client program written against types generated from the live document (openapi-typescript), the way a
 * user would: create a sandbox channel, connect it, scan its QR, send messages, page through the history,
 * read the rate-limit headers and an error code. It is only type-checked; every variable is typed with what
 * the API really answers, so a field the document gets wrong does not compile.
 */
const CLIENT = `
import type { components, paths } from './api';

type Ops = paths;
type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;

type CreateChannel = NonNullable<Ops['/v1/channels']['post']['requestBody']>['content']['application/json'];
type Channel = Json<Ops['/v1/channels']['post']['responses'][201]>;
type ChannelPath = Ops['/v1/channels/{channelId}/connect']['post']['parameters']['path'];
type Status = Json<Ops['/v1/channels/{channelId}/connect']['post']['responses'][202]>;
type Qr = Json<Ops['/v1/channels/{channelId}/qr']['get']['responses'][200]>;
type Scan = NonNullable<Ops['/v1/sandbox/channels/{channelId}/scan']['post']['requestBody']>['content']['application/json'];
type Phone = Json<Ops['/v1/sandbox/channels/{channelId}/scan']['post']['responses'][200]>;
type Send = NonNullable<Ops['/v1/channels/{channelId}/messages']['post']['requestBody']>['content']['application/json'];
type Sent = Ops['/v1/channels/{channelId}/messages']['post']['responses'][202];
type Refused = Json<Ops['/v1/channels/{channelId}/messages']['post']['responses'][409]>;
type Page = Json<Ops['/v1/channels/{channelId}/messages']['get']['responses'][200]>;
type Message = components['schemas']['Message_Output'];

declare function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T>;

export async function pairAndSend(): Promise<void> {
  const create: CreateChannel = { name: 'Support line' };
  const channel = await call<Channel>('POST', '/v1/channels', create);
  const params: ChannelPath = { channelId: channel.id };
  const mode: 'live' | 'test' = channel.mode;
  const paired: string | null = channel.phone_number;
  const deletedAt: string | null = channel.deleted_at;

  const status = await call<Status>('POST', '/v1/channels/' + params.channelId + '/connect');
  const worker: string | null = status.worker_id;
  const reason: { code: number | null; message: string | null } | null = status.reason;
  const qr = await call<Qr>('GET', '/v1/channels/' + params.channelId + '/qr');
  const png: string = qr.png_base64;

  const scan: Scan = { phone_number: '+15551234567' };
  const phone = await call<Phone>('POST', '/v1/sandbox/channels/' + params.channelId + '/scan', scan);
  const to: string = phone.phone_number;

  const text: Send = { type: 'text', to, text: 'Hello', client_ref: 'order-42' };
  const image: Send = { type: 'image', to, image: { media_id: 'med_01', caption: 'The receipt' } };
  const sent = await call<Json<Sent>>('POST', '/v1/channels/' + params.channelId + '/messages', text);
  const ref: string = sent.client_ref ?? 'none';
  const state: 'queued' | 'sending' | 'sent' | 'delivered' | 'read' | 'failed' | 'received' = sent.status;
  const headers = {} as Sent['headers'];
  const requestId: string = headers['X-Request-Id'];
  const remaining: number = headers['X-RateLimit-Remaining'];
  const refused = await call<Refused>('POST', '/v1/channels/' + params.channelId + '/messages', image);
  const code: string = refused.error.code;

  let cursor: string | null = null;
  do {
    const page: Page = await call<Page>('GET', '/v1/channels/' + params.channelId + '/messages' + (cursor ? '?cursor=' + cursor : ''));
    for (const message of page.data) read(message);
    const more: boolean = page.has_more;
    cursor = more ? page.next_cursor : null;
  } while (cursor !== null);
  void [mode, paired, deletedAt, worker, reason, png, ref, state, requestId, remaining, code];
}

function read(message: Message): string {
  const from: string | null = message.from;
  const clientRef: string | null = message.client_ref;
  const pushName: string | null = message.push_name;
  const failure: string | null = message.failure_reason;
  const sentAt: string | null = message.sent_at;
  const body: string | undefined = message.text;
  const mediaId: string | null | undefined = message.image?.media_id;
  const caption: string | undefined = message.image?.caption ?? message.video?.caption ?? message.document?.caption;
  const voice: boolean | undefined = message.audio?.voice;
  const latitude: number | undefined = message.location?.latitude;
  const vcard: string | undefined = message.contact?.vcard;
  const firstPhone: string | undefined = message.contact?.phones[0]?.phone;
  const reactedTo: string | null | undefined = message.reaction?.message_id;
  const emoji: string | undefined = message.reaction?.emoji;
  const templateBody: string | undefined = message.template?.body;
  const unsupported: string[] | undefined = message.unsupported?.keys;
  return [from, clientRef, pushName, failure, sentAt, body, mediaId, caption, voice, latitude, vcard, firstPhone, reactedTo, emoji, templateBody, unsupported].join(' ');
}
`;

/**
 * openapi-typescript's Node API (`openapiTS` + `astToString`), run by plain Node: its CommonJS build loads an
 * ES module dependency, which Node 20 does itself but Jest's module loader cannot.
 */
const GENERATE = `
const fs = require('node:fs');
const [, entry, input, output] = process.argv;
const { default: openapiTS, astToString } = require(entry);
openapiTS(JSON.parse(fs.readFileSync(input, 'utf8'))).then((ast) => fs.writeFileSync(output, astToString(ast)));
`;

/** Generates the types of `document` and type-checks the client against them; returns the compiler's errors. */
async function typeCheckClient(document: object): Promise<string[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wiu-client-'));
  try {
    fs.writeFileSync(path.join(dir, 'openapi.json'), JSON.stringify(document));
    await promisify(execFile)(process.execPath, [
      '-e',
      GENERATE,
      require.resolve('openapi-typescript'),
      path.join(dir, 'openapi.json'),
      path.join(dir, 'api.ts'),
    ]);
    fs.writeFileSync(path.join(dir, 'client.ts'), CLIENT);
    const program = ts.createProgram([path.join(dir, 'client.ts')], {
      strict: true,
      noEmit: true,
      noUnusedLocals: false,
      skipLibCheck: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      lib: ['lib.es2022.d.ts'],
      types: [],
    });
    return ts.getPreEmitDiagnostics(program).map((d) => {
      const where =
        d.file && d.start !== undefined
          ? `${path.basename(d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1} `
          : '';
      return where + ts.flattenDiagnosticMessageText(d.messageText, '\n');
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The document as it was published before top-level nullable fields were repaired: @nestjs/swagger read
 * `type: ["string", "null"]` as an array of strings.
 */
function withNullablesAsArrays(document: { components: { schemas: Record<string, { properties?: Record<string, { type?: unknown }> }> } }) {
  const broken = structuredClone(document);
  for (const schema of Object.values(broken.components.schemas)) {
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      if (Array.isArray(property.type))
        schema.properties![name] = { ...property, type: 'array', items: { type: property.type[0] } } as never;
    }
  }
  return broken;
}

/** Generating and type-checking take about ten seconds each on an idle machine. */
const TYPE_CHECK_MS = 180_000;

describe('A client generated from the published document', () => {
  let db: TestDatabase;
  let gw: TestGateway;
  let document: { components: { schemas: Record<string, { properties?: Record<string, { type?: unknown }> }> } };

  beforeAll(async () => {
    db = await createTestDatabase();
    gw = await TestGateway.start(db.prisma);
    document = (await gw.http.get('/openapi.json').expect(200)).body;
  });
  afterAll(async () => {
    await gw.close();
    await db.drop();
  });

  it(
    'type-checks a program that pairs a sandbox channel, sends messages and pages through the history',
    async () => {
      expect(await typeCheckClient(document)).toEqual([]);
    },
    TYPE_CHECK_MS,
  );

  it(
    'would not have type-checked against nullable fields published as arrays',
    async () => {
      const errors = await typeCheckClient(withNullablesAsArrays(document));
      expect(errors.join('\n')).toMatch(/Type 'string\[\]' is not assignable to type 'string/);
    },
    TYPE_CHECK_MS,
  );
});
