import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { Response } from 'supertest';
import type { TestGateway } from './gateway';

interface Header {
  required?: boolean;
  schema?: { type?: string };
  $ref?: string;
}

interface DeclaredResponse {
  description?: string;
  headers?: Record<string, Header>;
  content?: Record<string, { schema?: unknown; examples?: Record<string, { value?: unknown }> }>;
}

export interface Operation {
  operationId?: string;
  security?: Array<Record<string, string[]>>;
  parameters?: Array<{ name: string; in: string }>;
  requestBody?: { content?: Record<string, { schema?: unknown; examples?: Record<string, { value?: unknown }> }> };
  responses: Record<string, DeclaredResponse>;
}

export interface OpenApiDocument {
  openapi: string;
  info: { version: string };
  tags?: Array<{ name: string; description?: string }>;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; headers?: Record<string, Header>; securitySchemes?: Record<string, unknown> };
}

/** A response with the request it answered: what `check` reads (supertest responses are turned into one). */
export interface Exchange {
  method: string;
  path: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
  text?: string;
}

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  literals: number;
  operation: Operation;
}

const DOCUMENT_ID = 'https://whatisup.test/openapi.json';
const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);

/** A JSON pointer segment (RFC 6901). */
const pointer = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * The published OpenAPI document as a contract: `check(response)` finds the operation a supertest response
 * answered (method + path template), and fails unless its status is declared, its body matches the declared
 * schema (ajv, JSON Schema 2020-12 as OpenAPI 3.1 uses), its error code is one the status lists, and every
 * header declared required is there and well-formed. It counts what was checked, for coverage.
 */
export class ApiContract {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly routes: Route[] = [];
  private readonly validators = new Map<string, ValidateFunction>();
  /** `METHOD template` → statuses seen. */
  readonly seen = new Map<string, Set<string>>();

  constructor(readonly document: OpenApiDocument) {
    addFormats(this.ajv);
    this.ajv.addFormat('binary', true);
    this.ajv.addSchema(document, DOCUMENT_ID);
    for (const [template, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        if (!METHODS.has(method)) continue;
        const segments = template.split('/');
        const source = segments.map((s) => (/^\{[^}]+\}$/.test(s) ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/');
        this.routes.push({
          method: method.toUpperCase(),
          template,
          pattern: new RegExp(`^${source}$`),
          literals: segments.filter((s) => !s.startsWith('{')).length,
          operation,
        });
      }
    }
  }

  static async load(gw: TestGateway): Promise<ApiContract> {
    const res = await gw.http.get('/openapi.json').expect(200);
    return new ApiContract(res.body as OpenApiDocument);
  }

  /** The operation of a request; a path two templates match goes to the one with more literal segments. */
  route(method: string, path: string): Route {
    const candidates = this.routes.filter((r) => r.method === method.toUpperCase() && r.pattern.test(path.split('?')[0]));
    if (candidates.length === 0) throw new Error(`${method} ${path}: no operation in the document`);
    return candidates.sort((a, b) => b.literals - a.literals)[0];
  }

  /** Validates `value` against the schema at a JSON pointer of the document; returns ajv's errors, readable. */
  validate(at: string, value: unknown): string[] {
    let validator = this.validators.get(at);
    if (!validator) {
      validator = this.ajv.compile({ $ref: `${DOCUMENT_ID}#${at}` });
      this.validators.set(at, validator);
    }
    return validator(value)
      ? []
      : (validator.errors ?? []).map((e) => `${e.instancePath || '(body)'} ${e.message} ${e.params ? JSON.stringify(e.params) : ''}`);
  }

  /** Asserts `response` is one the document declares for its operation; returns it. */
  check<R extends Response | Exchange>(response: R): R {
    const exchange = toExchange(response);
    const route = this.route(exchange.method, exchange.path);
    const status = String(exchange.status);
    const name = `${route.method} ${route.template} → ${status}`;
    const problems: string[] = [];
    const declared = route.operation.responses[status] ?? route.operation.responses.default;
    if (!declared) {
      problems.push(`status ${status} is not declared (declared: ${Object.keys(route.operation.responses).join(', ')})`);
    } else {
      const responseKey = route.operation.responses[status] ? status : 'default';
      problems.push(...this.checkBody(route, responseKey, declared, exchange));
      problems.push(...this.checkHeaders(declared, exchange));
    }
    if (problems.length > 0) {
      const body = hasJsonBody(exchange) ? JSON.stringify(exchange.body) : exchange.text;
      throw new Error(`${name} breaks the published contract:\n- ${problems.join('\n- ')}\nbody: ${String(body).slice(0, 2000)}`);
    }
    const key = `${route.method} ${route.template}`;
    this.seen.set(key, (this.seen.get(key) ?? new Set()).add(status));
    return response;
  }

  private checkBody(route: Route, status: string, declared: DeclaredResponse, response: Exchange): string[] {
    const contentType = String(response.headers['content-type'] ?? '')
      .split(';')[0]
      .trim();
    const mediaTypes = Object.keys(declared.content ?? {});
    if (mediaTypes.length === 0) {
      return !response.text && !hasJsonBody(response) ? [] : [`no body is declared, but one was sent (${contentType})`];
    }
    const mediaType =
      mediaTypes.find((m) => m === contentType) ??
      mediaTypes.find((m) => m === '*/*' || (m.endsWith('/*') && contentType.startsWith(m.slice(0, -1))));
    if (!mediaType) return [`Content-Type ${contentType || '(none)'} is not declared (declared: ${mediaTypes.join(', ')})`];
    if (mediaType !== 'application/json') return [];
    const at = `/paths/${pointer(route.template)}/${route.method.toLowerCase()}/responses/${status}/content/${pointer(mediaType)}/schema`;
    const problems = this.validate(at, response.body).map((e) => `body: ${e}`);
    const code = (response.body as { error?: { code?: unknown } })?.error?.code;
    const listed = declared.description?.match(/Error codes: (.*)/)?.[1];
    if (typeof code === 'string' && listed && !listed.includes(`\`${code}\``))
      problems.push(`error code ${code} is not among those declared for this status: ${listed}`);
    return problems;
  }

  private checkHeaders(declared: DeclaredResponse, response: Exchange): string[] {
    const problems: string[] = [];
    for (const [name, raw] of Object.entries(declared.headers ?? {})) {
      const header = raw.$ref ? this.document.components.headers?.[raw.$ref.split('/').pop()!] : raw;
      if (!header) {
        problems.push(`header ${name}: ${raw.$ref} does not resolve`);
        continue;
      }
      const value = response.headers[name.toLowerCase()];
      if (value === undefined) {
        if (header.required) problems.push(`header ${name} is declared required but missing`);
        continue;
      }
      if (header.schema?.type === 'integer' && !/^\d+$/.test(String(value)))
        problems.push(`header ${name}: ${JSON.stringify(value)} is not an integer`);
    }
    return problems;
  }

  /** Operations and responses checked so far, against those declared. */
  coverage() {
    const operations = this.routes.map((r) => ({ key: `${r.method} ${r.template}`, statuses: Object.keys(r.operation.responses) }));
    const uncheckedOperations = operations.filter((o) => !this.seen.has(o.key)).map((o) => o.key);
    const declaredResponses = operations.reduce((n, o) => n + o.statuses.length, 0);
    const checkedResponses = operations.reduce((n, o) => n + o.statuses.filter((s) => this.seen.get(o.key)?.has(s)).length, 0);
    return {
      operations: operations.length,
      checkedOperations: operations.length - uncheckedOperations.length,
      uncheckedOperations,
      declaredResponses,
      checkedResponses,
    };
  }
}

function toExchange(response: Response | Exchange): Exchange {
  if (!('req' in response)) return response as Exchange;
  const { method, path } = (response as unknown as { req: { method: string; path: string } }).req;
  return { method, path, status: response.status, headers: response.headers, body: response.body, text: response.text };
}

function hasJsonBody(response: Exchange): boolean {
  return (
    response.body !== undefined &&
    response.body !== null &&
    (typeof response.body !== 'object' || Buffer.isBuffer(response.body) || Object.keys(response.body).length > 0)
  );
}
