import { compileErrors, validate } from '@readme/openapi-parser';
import { createTestDatabase, TestDatabase } from '../support/database';
import { TestGateway } from '../support/gateway';

type Operation = { responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>; security?: unknown[] };

describe('The OpenAPI document', () => {
  let db: TestDatabase;
  let gw: TestGateway;
  let document: { openapi: string; paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };

  beforeAll(async () => {
    db = await createTestDatabase();
    gw = await TestGateway.start(db.prisma);
    document = (await gw.http.get('/openapi.json').expect(200)).body;
  });
  afterAll(async () => {
    await gw.close();
    await db.drop();
  });

  it('is OpenAPI 3.1 and passes a standard validator', async () => {
    expect(document.openapi).toBe('3.1.0');
    const result = await validate(structuredClone(document) as never);
    if (!result.valid) throw new Error(compileErrors(result));
    expect(result.valid).toBe(true);
  });

  it('documents every error response with the shared envelope schema', () => {
    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, op })),
    );
    expect(operations.length).toBeGreaterThan(10);
    for (const { name, op } of operations) {
      const errors = Object.entries(op.responses).filter(([status]) => Number(status) >= 400);
      expect({ name, errorCount: errors.length > 0 }).toEqual({ name, errorCount: true });
      for (const [status, response] of errors) {
        const ref = response.content?.['application/json']?.schema?.$ref;
        expect({ name, status, ref }).toEqual({ name, status, ref: '#/components/schemas/ErrorEnvelope' });
      }
    }
    expect(document.components.schemas.ErrorEnvelope).toBeDefined();
  });

  it('serves Swagger UI at /docs', async () => {
    const res = await gw.http.get('/docs/').expect(200);
    expect(res.text).toContain('swagger-ui');
  });
});
