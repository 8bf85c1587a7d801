import type { GroupMetadata, WASocket } from '@whiskeysockets/baileys';
import { GroupMetadataCache } from './group-metadata-cache';

const meta = (id: string): GroupMetadata => ({ id, subject: id, owner: undefined, participants: [] });

describe('GroupMetadataCache', () => {
  it('keeps groups per channel, forgets one on demand and all of a channel when its session ends', () => {
    const cache = new GroupMetadataCache();
    cache.set('c1', meta('a@g.us'));
    cache.set('c2', meta('a@g.us'));
    expect(cache.get('c1', 'a@g.us')?.id).toBe('a@g.us');
    cache.forget('c1', 'a@g.us');
    expect(cache.get('c1', 'a@g.us')).toBeUndefined();
    expect(cache.get('c2', 'a@g.us')).toBeDefined();
    cache.clear('c2');
    expect(cache.size('c2')).toBe(0);
  });

  it('remembers where a group stands in a community after its metadata is dropped, and a link or unlink', () => {
    const cache = new GroupMetadataCache();
    cache.set('c', { ...meta('p@g.us'), isCommunity: true });
    cache.set('c', { ...meta('g@g.us'), linkedParent: 'p@g.us' });
    cache.forget('c', 'g@g.us');
    expect(cache.communityOf('c', 'p@g.us')).toEqual({ isCommunity: true, communityJid: null });
    expect(cache.communityOf('c', 'g@g.us')).toEqual({ isCommunity: false, communityJid: 'p@g.us' });
    expect(cache.communityOf('c', 'unseen@g.us')).toBeNull();
    cache.set('c', meta('h@g.us'));
    cache.linked('c', 'h@g.us', 'p@g.us');
    expect([cache.get('c', 'h@g.us'), cache.communityOf('c', 'h@g.us')]).toEqual([
      undefined,
      { isCommunity: false, communityJid: 'p@g.us' },
    ]);
    cache.linked('c', 'h@g.us', null);
    expect(cache.communityOf('c', 'h@g.us')).toEqual({ isCommunity: false, communityJid: null });
    cache.clear('c');
    expect(cache.communityOf('c', 'p@g.us')).toBeNull();
  });

  it('drops the least recently used group beyond its cap', () => {
    const cache = new GroupMetadataCache();
    for (let i = 0; i < 500; i++) cache.set('c', meta(`${i}@g.us`));
    cache.get('c', '0@g.us');
    cache.set('c', meta('new@g.us'));
    expect(cache.size('c')).toBe(500);
    expect(cache.get('c', '0@g.us')).toBeDefined();
    expect(cache.get('c', '1@g.us')).toBeUndefined();
  });

  it('answers Baileys from the cache, fetching (and keeping) a group it does not hold', async () => {
    const cache = new GroupMetadataCache();
    const fetched: string[] = [];
    const socket = {
      groupMetadata: (jid: string) => {
        fetched.push(jid);
        return jid === 'gone@g.us' ? Promise.reject(new Error('item-not-found')) : Promise.resolve(meta(jid));
      },
    } as unknown as WASocket;
    const lookup = cache.lookup('c', () => socket);
    expect((await lookup('a@g.us'))?.id).toBe('a@g.us');
    expect((await lookup('a@g.us'))?.id).toBe('a@g.us');
    expect(await lookup('gone@g.us')).toBeUndefined();
    expect(fetched).toEqual(['a@g.us', 'gone@g.us']);
  });
});
