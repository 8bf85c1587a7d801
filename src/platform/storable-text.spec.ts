import fc from 'fast-check';
import { findUnstorableText, isStorableText, toStorableText, withStorableText } from './storable-text';

describe('storable text', () => {
  describe(isStorableText.name, () => {
    it.each([
      ['plain text', 'hello', true],
      ['an emoji (a well-formed surrogate pair)', 'hi 😀', true],
      ['U+FFFD itself', '\ufffd', true],
      ['other control characters', '\u0001\t\n\u007f', true],
      ['U+0000', 'a\u0000b', false],
      ['a lone high surrogate', 'a\ud800b', false],
      ['a high surrogate at the end', 'a\ud83d', false],
      ['a lone low surrogate', '\ude00a', false],
      ['a low surrogate before its high half', '\ude00\ud83d', false],
    ])('judges %s', (_what, value, storable) => {
      expect(isStorableText(value)).toBe(storable);
    });
  });

  describe(toStorableText.name, () => {
    it('replaces U+0000 and each lone surrogate by U+FFFD, and keeps well-formed pairs', () => {
      expect(toStorableText('a\u0000b\ud800c😀\udc00')).toBe('a\ufffdb\ufffdc😀\ufffd');
    });

    it('always answers storable text, the same text when it already was, of the same length', () => {
      // Any sequence of UTF-16 code units, lone surrogates and U+0000 included.
      const codeUnits = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 40 }).map((units) => String.fromCharCode(...units));
      fc.assert(
        fc.property(codeUnits, (value) => {
          const storable = toStorableText(value);
          expect(isStorableText(storable)).toBe(true);
          expect(storable.length).toBe(value.length);
          if (isStorableText(value)) expect(storable).toBe(value);
        }),
      );
    });
  });

  describe(findUnstorableText.name, () => {
    it('names the path of the first unstorable string or key', () => {
      expect(findUnstorableText({ a: 'ok', b: [1, 'x', { c: 'd\u0000' }] })).toEqual(['b', 2, 'c']);
      expect(findUnstorableText({ ['k\ud800']: 1 })).toEqual(['k\ud800']);
      expect(findUnstorableText('\u0000', ['id'])).toEqual(['id']);
      expect(findUnstorableText({ a: 'ok', n: 1, d: new Date(), nothing: null })).toBeNull();
    });
  });

  describe(withStorableText.name, () => {
    it('copies what holds unstorable text and keeps everything else, functions and instances included', () => {
      const download = () => Promise.resolve(Buffer.alloc(0));
      const timestamp = new Date();
      const data = Buffer.from([0]);
      const untouched = { chatJid: '1@s.whatsapp.net' };
      const message = { key: untouched, timestamp, data, download, content: { type: 'text', text: 'a\u0000' }, list: ['\ud800', 'ok'] };
      const storable = withStorableText(message);
      expect(storable).not.toBe(message);
      expect(storable.content).toEqual({ type: 'text', text: 'a\ufffd' });
      expect(storable.list).toEqual(['\ufffd', 'ok']);
      expect(storable.key).toBe(untouched);
      expect(storable.timestamp).toBe(timestamp);
      expect(storable.data).toBe(data);
      expect(storable.download).toBe(download);
      expect(message.content.text).toBe('a\u0000');
    });

    it('answers the value itself when there is nothing to replace', () => {
      const value = { a: ['x', { b: 'y' }], c: 1 };
      expect(withStorableText(value)).toBe(value);
    });
  });
});
