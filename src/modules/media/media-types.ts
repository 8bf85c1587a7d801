/**
 * The media types the gateway accepts, in one place: uploads and fetches are checked against it, and the
 * messages module reads it to know which kinds of WhatsApp message a stored media can become.
 *
 * Each type names the magic-number families its bytes may carry (see `sniffFamily`). Documents are any
 * application/* or text/* type; only those with a well-known signature are checked against it, the others
 * only have to not look like an image, video or audio file (so a PNG cannot be passed off as a PDF).
 */
export type MediaKind = 'image' | 'video' | 'audio' | 'document' | 'sticker';

/** What the first bytes of a file say it is. */
export type ByteFamily =
  | 'jpeg'
  | 'png'
  | 'gif'
  | 'webp'
  | 'isobmff' // MP4, M4A, 3GP: an ISO base media file ("ftyp" box)
  | 'ogg'
  | 'mpeg-audio' // MP3, with or without an ID3 tag
  | 'adts' // raw AAC
  | 'amr'
  | 'pdf'
  | 'zip' // also OOXML (docx, xlsx, pptx), ODF, EPUB
  | 'ole' // legacy Office (doc, xls, ppt)
  | 'gzip';

export interface MediaTypeRule {
  /** The kinds of message this type can be sent as. */
  kinds: readonly MediaKind[];
  /** Byte families this type may have; undefined: any bytes that are not a recognised media family. */
  families?: readonly ByteFamily[];
  /** The mimetype to announce to WhatsApp, when it differs from the stored one. */
  whatsappMimeType?: string;
}

/** The accepted media types besides generic documents. */
export const MEDIA_TYPES: Readonly<Record<string, MediaTypeRule>> = {
  'image/jpeg': { kinds: ['image'], families: ['jpeg'] },
  'image/png': { kinds: ['image'], families: ['png'] },
  'image/gif': { kinds: ['image'], families: ['gif'] },
  'image/webp': { kinds: ['image', 'sticker'], families: ['webp'] },
  'video/mp4': { kinds: ['video'], families: ['isobmff'] },
  'video/3gpp': { kinds: ['video'], families: ['isobmff'] },
  'audio/ogg': { kinds: ['audio'], families: ['ogg'], whatsappMimeType: 'audio/ogg; codecs=opus' },
  'audio/opus': { kinds: ['audio'], families: ['ogg'], whatsappMimeType: 'audio/ogg; codecs=opus' },
  'audio/mpeg': { kinds: ['audio'], families: ['mpeg-audio'] },
  'audio/mp4': { kinds: ['audio'], families: ['isobmff'] },
  'audio/aac': { kinds: ['audio'], families: ['adts', 'isobmff'] },
  'audio/amr': { kinds: ['audio'], families: ['amr'] },
  'application/pdf': { kinds: ['document'], families: ['pdf'] },
  'application/zip': { kinds: ['document'], families: ['zip'] },
  'application/gzip': { kinds: ['document'], families: ['gzip'] },
  'application/msword': { kinds: ['document'], families: ['ole'] },
  'application/vnd.ms-excel': { kinds: ['document'], families: ['ole'] },
  'application/vnd.ms-powerpoint': { kinds: ['document'], families: ['ole'] },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': { kinds: ['document'], families: ['zip'] },
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { kinds: ['document'], families: ['zip'] },
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': { kinds: ['document'], families: ['zip'] },
};

/** Families that are media: a generic document must not be one of them. */
const MEDIA_FAMILIES: ReadonlySet<ByteFamily> = new Set(['jpeg', 'png', 'gif', 'webp', 'isobmff', 'ogg', 'mpeg-audio', 'adts', 'amr']);

const GENERIC_DOCUMENT: MediaTypeRule = { kinds: ['document'] };

/** "Image/PNG; charset=x" → "image/png"; undefined when it is not shaped like a mimetype. */
export function normalizeMimeType(value: string): string | undefined {
  const essence = value.split(';')[0].trim().toLowerCase();
  return /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/.test(essence) ? essence : undefined;
}

/** The rule of an accepted mimetype (already normalized), or undefined when the type is not accepted. */
export function mediaTypeRule(mimeType: string): MediaTypeRule | undefined {
  const known = MEDIA_TYPES[mimeType];
  if (known) return known;
  if (mimeType.startsWith('application/') || mimeType.startsWith('text/')) return GENERIC_DOCUMENT;
  return undefined;
}

/** The kinds of WhatsApp message a stored media of this mimetype can be sent as (empty if none). */
export function mediaKindsOf(mimeType: string): readonly MediaKind[] {
  const normalized = normalizeMimeType(mimeType);
  return (normalized && mediaTypeRule(normalized)?.kinds) || [];
}

/** Bytes needed by `sniffFamily` (PDF allows a short preamble before its header). */
export const SNIFF_BYTES = 1024;

function ascii(bytes: Uint8Array, offset: number, text: string): boolean {
  if (bytes.length < offset + text.length) return false;
  for (let i = 0; i < text.length; i += 1) if (bytes[offset + i] !== text.charCodeAt(i)) return false;
  return true;
}

function startsWith(bytes: Uint8Array, signature: readonly number[]): boolean {
  return bytes.length >= signature.length && signature.every((byte, i) => bytes[i] === byte);
}

/** The family the first bytes of a file belong to, or undefined when none is recognised. */
export function sniffFamily(head: Uint8Array): ByteFamily | undefined {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (ascii(head, 0, 'GIF87a') || ascii(head, 0, 'GIF89a')) return 'gif';
  if (ascii(head, 0, 'RIFF') && ascii(head, 8, 'WEBP')) return 'webp';
  if (ascii(head, 4, 'ftyp')) return 'isobmff';
  if (ascii(head, 0, 'OggS')) return 'ogg';
  if (ascii(head, 0, '#!AMR')) return 'amr';
  if (ascii(head, 0, 'ID3')) return 'mpeg-audio';
  if (head.length >= 2 && head[0] === 0xff) {
    const second = head[1];
    // ADTS: 12 sync bits, then layer 00. MPEG audio: 11 sync bits, a version other than "reserved", a layer.
    if ((second & 0xf6) === 0xf0) return 'adts';
    if ((second & 0xe0) === 0xe0 && (second & 0x18) !== 0x08 && (second & 0x06) !== 0) return 'mpeg-audio';
  }
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06])) return 'zip';
  if (startsWith(head, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return 'ole';
  if (startsWith(head, [0x1f, 0x8b])) return 'gzip';
  if (Buffer.from(head.subarray(0, SNIFF_BYTES)).includes('%PDF-')) return 'pdf';
  return undefined;
}

/** The mimetype of a recognised family, for uploads that do not declare one. */
const FAMILY_MIME_TYPES: Partial<Record<ByteFamily, string>> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  isobmff: 'video/mp4',
  ogg: 'audio/ogg',
  amr: 'audio/amr',
  'mpeg-audio': 'audio/mpeg',
  adts: 'audio/aac',
  pdf: 'application/pdf',
  zip: 'application/zip',
  gzip: 'application/gzip',
};

export function mimeTypeOfFamily(family: ByteFamily | undefined): string | undefined {
  return family ? FAMILY_MIME_TYPES[family] : undefined;
}

export type TypeCheck =
  | { ok: true; mimeType: string; kinds: readonly MediaKind[] }
  | { ok: false; reason: 'unsupported_type' | 'type_mismatch'; detected?: ByteFamily };

/** Whether bytes starting with `head` may be stored as the declared mimetype. */
export function checkMediaType(declared: string, head: Uint8Array): TypeCheck {
  const mimeType = normalizeMimeType(declared);
  const rule = mimeType ? mediaTypeRule(mimeType) : undefined;
  if (!mimeType || !rule) return { ok: false, reason: 'unsupported_type' };
  const detected = sniffFamily(head);
  if (rule.families) {
    if (!detected || !rule.families.includes(detected)) return { ok: false, reason: 'type_mismatch', detected };
  } else if (detected && MEDIA_FAMILIES.has(detected)) {
    return { ok: false, reason: 'type_mismatch', detected };
  } else if (mimeType.startsWith('text/') && head.includes(0)) {
    // Text has no NUL byte; binary content declared as text is refused.
    return { ok: false, reason: 'type_mismatch', detected };
  }
  return { ok: true, mimeType, kinds: rule.kinds };
}
