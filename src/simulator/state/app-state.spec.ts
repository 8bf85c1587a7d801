import { randomBytes } from 'crypto';
import { type LTHashState, decodePatches, encodeSyncdPatch, newLTHashState, type proto } from '@whiskeysockets/baileys';
import { labelPatch, labelsOf } from '../phone/labels';
import { AppStateStore } from './app-state';

const key = { keyId: randomBytes(6), keyData: randomBytes(32) };
const keyId = key.keyId.toString('base64');
const getKey = async (id: string) => (id === keyId ? { keyData: key.keyData } : null);

/** What a client does before a push: encode a change on top of the state it synced to. */
async function clientPatch(state: LTHashState, labelId: string, name: string) {
  return encodeSyncdPatch(labelPatch({ kind: 'edit', id: labelId, name, color: 2 }), keyId, state, getKey);
}

describe('AppStateStore', () => {
  it('numbers phone writes and client pushes as one log that a client decodes from v0 with a consistent LTHash', async () => {
    const store = new AppStateStore(key);
    expect(await store.write(labelPatch({ kind: 'edit', id: '1', name: 'VIP', color: 3 }))).toBe(1);
    // a client that synced v1 pushes v2
    const synced = await decodePatches('regular', store.patchesAfter('regular', 0).patches, newLTHashState(), getKey, {});
    const { patch } = await clientPatch(synced.state, '2', 'Leads');
    expect(await store.push('regular', 1, patch)).toBe(2);
    expect(await store.write(labelPatch({ kind: 'chat', labelId: '2', chat: '155@s.whatsapp.net', labeled: true }))).toBe(3);

    const warnings: string[] = [];
    const logger = { warn: (_: unknown, m: string) => warnings.push(m), info() {}, debug() {}, trace() {} };
    const fresh = await decodePatches(
      'regular',
      store.patchesAfter('regular', 0).patches,
      newLTHashState(),
      getKey,
      {},
      undefined,
      logger as never,
    );
    expect(warnings).toEqual([]);
    expect(fresh.state.version).toBe(3);
    expect(labelsOf(await store.read('regular'))).toEqual({
      labels: [
        { id: '1', name: 'VIP', color: 3, deleted: false },
        { id: '2', name: 'Leads', color: 2, deleted: false },
      ],
      chats: [{ labelId: '2', chat: '155@s.whatsapp.net' }],
      messages: [],
    });
  });

  it('refuses a push based on an older version with 409, and one that does not verify with 400', async () => {
    const store = new AppStateStore(key);
    const { patch } = await clientPatch(newLTHashState(), '1', 'A');
    await store.write(labelPatch({ kind: 'edit', id: '9', name: 'Phone', color: 0 }));
    await expect(store.push('regular', 0, patch)).rejects.toMatchObject({ code: 409, text: 'conflict' });

    const other = new AppStateStore(key);
    const forged: proto.ISyncdPatch = { ...patch, patchMac: randomBytes(32) };
    await expect(other.push('regular', 0, forged)).rejects.toMatchObject({ code: 400 });
    const strangerKey = { keyId: randomBytes(6), keyData: randomBytes(32) };
    const stranger = await encodeSyncdPatch(
      labelPatch({ kind: 'edit', id: '1', name: 'A', color: 0 }),
      strangerKey.keyId.toString('base64'),
      newLTHashState(),
      async () => ({ keyData: strangerKey.keyData }),
    );
    await expect(other.push('regular', 0, stranger.patch)).rejects.toMatchObject({ code: 400 });
    expect(other.version('regular')).toBe(0);
    // the valid one still goes in afterwards
    expect(await other.push('regular', 0, patch)).toBe(1);
  });

  it('pages the log: at most a page per answer, has-more until the end', async () => {
    const store = new AppStateStore(key);
    store.pageSize = 2;
    for (let i = 0; i < 5; i++) await store.write(labelPatch({ kind: 'edit', id: `${i}`, name: `L${i}`, color: i }));
    const first = store.patchesAfter('regular', 0);
    expect(first.patches.map((p) => p.version!.version)).toEqual([1, 2]);
    expect(first.hasMore).toBe(true);
    expect(store.patchesAfter('regular', 4)).toMatchObject({ hasMore: false });
    expect(store.patchesAfter('regular', 4).patches.map((p) => p.version!.version)).toEqual([5]);
    expect(store.patchesAfter('regular', 5)).toEqual({ patches: [], hasMore: false });
    expect(store.patchesAfter('regular_low', 0)).toEqual({ patches: [], hasMore: false });
  });

  it('reads a deleted label as deleted and an unlabelled chat as gone', async () => {
    const store = new AppStateStore(key);
    await store.write(labelPatch({ kind: 'edit', id: '1', name: 'VIP', color: 3 }));
    await store.write(labelPatch({ kind: 'chat', labelId: '1', chat: 'a@s.whatsapp.net', labeled: true }));
    await store.write(labelPatch({ kind: 'message', labelId: '1', chat: 'a@s.whatsapp.net', messageId: 'M1', labeled: true }));
    await store.write(labelPatch({ kind: 'chat', labelId: '1', chat: 'a@s.whatsapp.net', labeled: false }));
    await store.write(labelPatch({ kind: 'edit', id: '1', name: 'VIP', color: 3, deleted: true }));
    expect(labelsOf(await store.read('regular'))).toEqual({
      labels: [{ id: '1', name: 'VIP', color: 3, deleted: true }],
      chats: [],
      messages: [{ labelId: '1', chat: 'a@s.whatsapp.net', messageId: 'M1' }],
    });
  });
});
