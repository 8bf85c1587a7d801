import { Batcher } from './batcher';

/** A write that records each batch and answers when told to. */
function controlledWrite() {
  const batches: number[][] = [];
  const pending: Array<() => void> = [];
  const write = (inputs: number[]) => {
    batches.push(inputs);
    return new Promise<string[]>((resolve) => pending.push(() => resolve(inputs.map((n) => `done ${n}`))));
  };
  const answerNext = async () => {
    pending.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { batches, write, answerNext };
}

describe(Batcher.name, () => {
  it('writes an item at once when idle, and together the items that came while a batch was running', async () => {
    const { batches, write, answerNext } = controlledWrite();
    const batcher = new Batcher(write, { maxSize: 10 });
    const first = batcher.submit(1);
    expect(batches).toEqual([[1]]);
    const later = [2, 3, 4].map((n) => batcher.submit(n));
    expect(batches).toEqual([[1]]);
    await answerNext();
    await expect(first).resolves.toBe('done 1');
    expect(batches).toEqual([[1], [2, 3, 4]]);
    await answerNext();
    await expect(Promise.all(later)).resolves.toEqual(['done 2', 'done 3', 'done 4']);
    // Idle again: the next item goes at once.
    void batcher.submit(5);
    expect(batches).toEqual([[1], [2, 3, 4], [5]]);
  });

  it('puts at most maxSize items in a batch', async () => {
    const { batches, write, answerNext } = controlledWrite();
    const batcher = new Batcher(write, { maxSize: 2 });
    const all = [1, 2, 3, 4, 5].map((n) => batcher.submit(n));
    for (let i = 0; i < 3; i++) await answerNext();
    await expect(Promise.all(all)).resolves.toHaveLength(5);
    expect(batches).toEqual([[1], [2, 3], [4, 5]]);
  });

  it('fails every item of a failed batch, unless the failure is one to isolate: then each item is written alone', async () => {
    const refused = new Error('refused');
    const unreachable = new Error('unreachable');
    const batches: number[][] = [];
    let failWith: Error = unreachable;
    let hold: Promise<void> = Promise.resolve();
    const write = async (inputs: number[]) => {
      batches.push(inputs);
      await hold;
      if (inputs.length > 1 || inputs[0] === 13) throw failWith;
      return inputs.map((n) => n * 2);
    };
    const batcher = new Batcher(write, { maxSize: 10, isolate: (error) => error === refused });

    let release!: () => void;
    hold = new Promise((resolve) => (release = resolve));
    const head = batcher.submit(1);
    const rest = [2, 13, 3].map((n) => batcher.submit(n).catch((error: Error) => error));
    release();
    await head;
    await expect(Promise.all(rest)).resolves.toEqual([unreachable, unreachable, unreachable]);

    failWith = refused;
    batches.length = 0;
    hold = new Promise((resolve) => (release = resolve));
    const head2 = batcher.submit(1);
    const rest2 = [2, 13, 3].map((n) => batcher.submit(n).catch((error: Error) => error));
    release();
    await head2;
    await expect(Promise.all(rest2)).resolves.toEqual([4, refused, 6]);
    expect(batches).toEqual([[1], [2, 13, 3], [2], [13], [3]]);
  });

  it('fails the batch when the write gives back a result count that is not the item count', async () => {
    const batcher = new Batcher(async () => ['only one'], { maxSize: 10 });
    const first = batcher.submit(1);
    const both = [batcher.submit(2), batcher.submit(3)];
    await expect(first).resolves.toBe('only one');
    await expect(Promise.all(both)).rejects.toThrow('a batch of 2 gave back 1 results');
  });

  it('fails the items of a write that throws before its promise', async () => {
    const batcher = new Batcher<number, number>(
      () => {
        throw new Error('at once');
      },
      { maxSize: 10 },
    );
    await expect(batcher.submit(1)).rejects.toThrow('at once');
    // The batcher is not stuck: the next item is written (and fails the same way).
    await expect(batcher.submit(2)).rejects.toThrow('at once');
  });

  it('says when everything handed in so far is written', async () => {
    const { write, answerNext } = controlledWrite();
    const batcher = new Batcher(write, { maxSize: 10 });
    await batcher.drained();
    const outcomes: string[] = [];
    for (const n of [1, 2, 3]) void batcher.submit(n).then((output) => outcomes.push(output));
    let drained = false;
    const waiting = batcher.drained().then(() => (drained = true));
    await answerNext();
    expect(drained).toBe(false);
    await answerNext();
    await waiting;
    expect(outcomes).toEqual(['done 1', 'done 2', 'done 3']);
  });

  it('with a concurrency of two, writes the first two items at once and batches only behind both', async () => {
    const { batches, write, answerNext } = controlledWrite();
    const batcher = new Batcher(write, { maxSize: 10, concurrency: 2 });
    const all = [1, 2, 3, 4, 5].map((n) => batcher.submit(n));
    expect(batches).toEqual([[1], [2]]);
    await answerNext();
    expect(batches).toEqual([[1], [2], [3, 4, 5]]);
    await answerNext();
    await answerNext();
    await expect(Promise.all(all)).resolves.toEqual(['done 1', 'done 2', 'done 3', 'done 4', 'done 5']);
    await batcher.drained();
  });
});
