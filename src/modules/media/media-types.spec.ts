import { checkMediaType, mediaKindsOf, MEDIA_TYPES, normalizeMimeType, sniffFamily } from './media-types';

const bytes = (...parts: Array<string | number[]>) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

const SAMPLES = {
  jpeg: bytes([0xff, 0xd8, 0xff, 0xe0, 0, 0x10], 'JFIF'),
  png: bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d], 'IHDR'),
  gif: bytes('GIF89a', [1, 0, 1, 0]),
  webp: bytes('RIFF', [0x24, 0, 0, 0], 'WEBPVP8 '),
  mp4: bytes([0, 0, 0, 0x18], 'ftypmp42', [0, 0, 0, 0], 'isom'),
  threegp: bytes([0, 0, 0, 0x14], 'ftyp3gp4'),
  m4a: bytes([0, 0, 0, 0x20], 'ftypM4A '),
  ogg: bytes('OggS', [0, 2], 'OpusHead'),
  mp3id3: bytes('ID3', [4, 0, 0]),
  mp3frame: bytes([0xff, 0xfb, 0x90, 0x64]),
  adts: bytes([0xff, 0xf1, 0x50, 0x80]),
  amr: bytes('#!AMR\n', [0x3c]),
  pdf: bytes('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n'),
  zip: bytes([0x50, 0x4b, 0x03, 0x04, 0x14, 0]),
  ole: bytes([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
  text: bytes('hello, world\n'),
};

describe('media types', () => {
  it.each([
    ['jpeg', 'jpeg'],
    ['png', 'png'],
    ['gif', 'gif'],
    ['webp', 'webp'],
    ['mp4', 'isobmff'],
    ['threegp', 'isobmff'],
    ['m4a', 'isobmff'],
    ['ogg', 'ogg'],
    ['mp3id3', 'mpeg-audio'],
    ['mp3frame', 'mpeg-audio'],
    ['adts', 'adts'],
    ['amr', 'amr'],
    ['pdf', 'pdf'],
    ['zip', 'zip'],
    ['ole', 'ole'],
  ] as const)('recognises %s bytes as %s', (sample, family) => {
    expect(sniffFamily(SAMPLES[sample])).toBe(family);
  });

  it('recognises nothing in plain text, empty or truncated input', () => {
    expect(sniffFamily(SAMPLES.text)).toBeUndefined();
    expect(sniffFamily(Buffer.alloc(0))).toBeUndefined();
    expect(sniffFamily(bytes([0x89, 0x50]))).toBeUndefined();
    expect(sniffFamily(bytes('RIFF', [0, 0, 0, 0], 'WAVE'))).toBeUndefined();
  });

  it('finds a PDF header after a short preamble', () => {
    expect(sniffFamily(bytes('\n\n  ', '%PDF-1.4'))).toBe('pdf');
  });

  it.each([
    ['image/jpeg', 'jpeg'],
    ['image/png', 'png'],
    ['image/gif', 'gif'],
    ['image/webp', 'webp'],
    ['video/mp4', 'mp4'],
    ['video/3gpp', 'threegp'],
    ['audio/ogg; codecs=opus', 'ogg'],
    ['audio/mpeg', 'mp3id3'],
    ['audio/mpeg', 'mp3frame'],
    ['audio/mp4', 'm4a'],
    ['audio/aac', 'adts'],
    ['audio/amr', 'amr'],
    ['application/pdf', 'pdf'],
    ['application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'zip'],
    ['application/msword', 'ole'],
    ['text/plain', 'text'],
    ['text/csv', 'text'],
    ['application/octet-stream', 'text'],
    ['application/json', 'text'],
    ['application/x-custom', 'zip'],
  ] as const)('accepts %s with %s bytes', (declared, sample) => {
    expect(checkMediaType(declared, SAMPLES[sample])).toMatchObject({ ok: true });
  });

  it.each([
    ['image/png', 'pdf'],
    ['image/jpeg', 'png'],
    ['video/mp4', 'jpeg'],
    ['audio/ogg', 'mp3id3'],
    ['application/pdf', 'png'],
    ['application/pdf', 'text'],
    ['application/octet-stream', 'png'],
    ['application/zip', 'pdf'],
    ['text/plain', 'mp4'],
  ] as const)('refuses %s declared over %s bytes', (declared, sample) => {
    expect(checkMediaType(declared, SAMPLES[sample])).toMatchObject({ ok: false, reason: 'type_mismatch' });
  });

  it('refuses text declared over binary bytes', () => {
    expect(checkMediaType('text/plain', bytes('abc', [0], 'def'))).toMatchObject({ ok: false, reason: 'type_mismatch' });
  });

  it.each(['image/svg+xml', 'image/bmp', 'video/quicktime', 'audio/wav', 'font/woff2', 'not a type', ''])(
    'refuses the type %p',
    (declared) => {
      expect(checkMediaType(declared, SAMPLES.text)).toMatchObject({ ok: false, reason: 'unsupported_type' });
    },
  );

  it('normalises declared types', () => {
    expect(normalizeMimeType(' Image/PNG ; charset=binary')).toBe('image/png');
    expect(normalizeMimeType('png')).toBeUndefined();
    expect(checkMediaType('IMAGE/PNG', SAMPLES.png)).toEqual({ ok: true, mimeType: 'image/png', kinds: ['image'] });
  });

  it('names the message kinds of each type: webp as image or sticker, documents for application/* and text/*', () => {
    expect(mediaKindsOf('image/webp')).toEqual(['image', 'sticker']);
    expect(mediaKindsOf('audio/ogg; codecs=opus')).toEqual(['audio']);
    expect(mediaKindsOf('text/csv')).toEqual(['document']);
    expect(mediaKindsOf('image/svg+xml')).toEqual([]);
    for (const rule of Object.values(MEDIA_TYPES)) expect(rule.kinds.length).toBeGreaterThan(0);
  });
});
