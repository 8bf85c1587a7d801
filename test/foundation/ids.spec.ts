import { ID_BLOCK_DIGITS, idInBlockSql, isIdOf, newId, newIdBlock } from '../../src/platform/ids';
import { withServerClient } from '../support/database';

const ENCODING = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** The JavaScript twin of idInBlockSql's digits. */
const digitsOf = (index: number) =>
  Array.from({ length: ID_BLOCK_DIGITS }, (_, i) => ENCODING[(index >> (5 * (ID_BLOCK_DIGITS - 1 - i))) & 31]).join('');

describe('ids', () => {
  it('mints blocks that sort between the ids minted before and after them, within one millisecond and across', () => {
    const minted: string[] = [];
    // thousands in a row: most share a millisecond with the one before, some start a new one
    for (let i = 0; i < 3000; i++) {
      if (i % 3 === 1) {
        const head = newIdBlock('wevt');
        minted.push(head + digitsOf(0), head + digitsOf(1), head + digitsOf(32 ** ID_BLOCK_DIGITS - 1));
      } else {
        minted.push(newId('wevt'));
      }
    }
    expect(minted.every((id) => isIdOf('wevt', id))).toBe(true);
    expect(new Set(minted).size).toBe(minted.length);
    expect([...minted].sort()).toEqual(minted);
  });

  it('writes the ids of a block in SQL as JavaScript would', async () => {
    const head = newIdBlock('wevt');
    const indexes = [0, 1, 31, 32, 1023, 1024, 32 ** 3, 32 ** ID_BLOCK_DIGITS - 1];
    const rows = await withServerClient((client) =>
      client.query<{ id: string }>(
        `SELECT ${idInBlockSql('$1::text', 'i')} AS id FROM unnest($2::int[]) WITH ORDINALITY AS x(i, n) ORDER BY n`,
        [head, indexes],
      ),
    );
    expect(rows.rows.map((row) => row.id)).toEqual(indexes.map((index) => head + digitsOf(index)));
    expect(rows.rows.every((row) => isIdOf('wevt', row.id))).toBe(true);
  });
});
