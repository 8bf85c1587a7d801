import { z } from 'zod';
import { AppError } from '../errors/app-error';
import { parseOrThrow } from './parse';

describe(parseOrThrow.name, () => {
  const schema = z.object({ to: z.string(), items: z.array(z.object({ id: z.string() })) });

  it('returns the parsed value', () => {
    expect(parseOrThrow(schema, { to: 'x', items: [] })).toEqual({ to: 'x', items: [] });
  });

  it('refuses with invalid_request naming the first field and listing every issue', () => {
    let thrown: unknown;
    try {
      parseOrThrow(schema, { items: [{ id: 1 }] });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AppError);
    const error = thrown as AppError;
    expect(error.code).toBe('invalid_request');
    const issues = (error.details as { issues: { path: unknown[] }[] }).issues;
    expect(issues.map((issue) => issue.path)).toEqual([['to'], ['items', 0, 'id']]);
    expect(error.message).toMatch(/^Invalid to: /);
  });

  it('names a moved field as the client sent it', () => {
    expect(() => parseOrThrow(schema, { items: [] }, { renamePath: (part) => (part === 'to' ? 'from' : part) })).toThrow(/^Invalid from: /);
  });
});
