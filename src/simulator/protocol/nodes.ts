import { randomBytes } from 'crypto';
import { type BinaryNode, S_WHATSAPP_NET, getBinaryNodeChild } from '@whiskeysockets/baileys';

export const SERVER_JID = S_WHATSAPP_NET;

export function unixNow(): string {
  return Math.floor(Date.now() / 1000).toString();
}

/** Ids in the shape WhatsApp gives server stanzas and messages (hex, upper case). */
export function newStanzaId(): string {
  return randomBytes(8).toString('hex').toUpperCase();
}

export function newMessageId(): string {
  return '3EB0' + randomBytes(10).toString('hex').toUpperCase();
}

export function iqResult(request: BinaryNode, content?: BinaryNode[]): BinaryNode {
  return {
    tag: 'iq',
    attrs: { from: request.attrs.to || SERVER_JID, type: 'result', id: request.attrs.id },
    content,
  };
}

export function iqError(request: BinaryNode, code: number, text: string): BinaryNode {
  return {
    tag: 'iq',
    attrs: { from: request.attrs.to || SERVER_JID, type: 'error', id: request.attrs.id },
    content: [{ tag: 'error', attrs: { code: code.toString(), text } }],
  };
}

export function childNodes(node: BinaryNode | undefined): BinaryNode[] {
  return Array.isArray(node?.content) ? node.content : [];
}

export function firstChild(node: BinaryNode): BinaryNode | undefined {
  return childNodes(node)[0];
}

/** Content that may arrive as bytes or (for short tokenised values) as a string. */
export function contentBuffer(node: BinaryNode | undefined): Buffer | undefined {
  const content = node?.content;
  if (content instanceof Uint8Array) {
    return Buffer.from(content);
  }
  if (typeof content === 'string') {
    return Buffer.from(content, 'utf-8');
  }
  return undefined;
}

export function childBuffer(node: BinaryNode | undefined, tag: string): Buffer | undefined {
  return node ? contentBuffer(getBinaryNodeChild(node, tag)) : undefined;
}

export function bytesNode(tag: string, content: Uint8Array): BinaryNode {
  return { tag, attrs: {}, content };
}

export function uintBE(value: number, bytes: number): Buffer {
  const buf = Buffer.alloc(bytes);
  buf.writeUIntBE(value, 0, bytes);
  return buf;
}

export function readUintBE(buf: Buffer | undefined): number {
  return buf && buf.length ? buf.readUIntBE(0, Math.min(buf.length, 6)) : 0;
}

/** Where stories (status updates) are sent and come from. */
export const STATUS_BROADCAST = 'status@broadcast';
