import type { Response } from 'supertest';

/** Asserts the error envelope and returns its code, so tests read `expect(errorCode(res)).toBe('auth_missing')`. */
export function errorCode(response: Response): string {
  const body = response.body as { error?: { code?: unknown; message?: unknown }; request_id?: unknown };
  expect(typeof body.error?.code).toBe('string');
  expect(typeof body.error?.message).toBe('string');
  expect(body.request_id).toBe(response.headers['x-request-id']);
  return body.error!.code as string;
}

export function bearer(token: string): { Authorization: string } {
  return { Authorization: `Bearer ${token}` };
}
