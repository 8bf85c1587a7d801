import { NOISE_WA_HEADER } from '@whiskeysockets/baileys';

const FRAME_HEADER_LENGTH = 3;
/** The largest payload a 3-byte length prefix can describe. */
export const MAX_FRAME_LENGTH = (1 << 24) - 1;

export function encodeFrame(payload: Uint8Array): Buffer {
  if (payload.length > MAX_FRAME_LENGTH) {
    throw new Error(`frame of ${payload.length} bytes is too large`);
  }
  const frame = Buffer.alloc(FRAME_HEADER_LENGTH + payload.length);
  frame.writeUInt8(payload.length >> 16, 0);
  frame.writeUInt16BE(payload.length & 0xffff, 1);
  frame.set(payload, FRAME_HEADER_LENGTH);
  return frame;
}

/**
 * Splits the client's byte stream into frames. WebSocket messages and frames
 * are not aligned, and only the very first bytes of a connection carry the
 * intro (an optional edge-routing block, then the "WA" header), so this keeps
 * state across calls.
 */
export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);
  private introDone = false;
  /** The WA header bytes, which the Noise handshake mixes into its hash. */
  header: Buffer | undefined;

  push(data: Buffer): Buffer[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, data]) : data;
    if (!this.introDone && !this.readIntro()) {
      return [];
    }
    const frames: Buffer[] = [];
    while (this.pending.length >= FRAME_HEADER_LENGTH) {
      const size = (this.pending.readUInt8(0) << 16) | this.pending.readUInt16BE(1);
      if (this.pending.length < FRAME_HEADER_LENGTH + size) {
        break;
      }
      frames.push(this.pending.subarray(FRAME_HEADER_LENGTH, FRAME_HEADER_LENGTH + size));
      this.pending = this.pending.subarray(FRAME_HEADER_LENGTH + size);
    }
    return frames;
  }

  private readIntro(): boolean {
    let offset = 0;
    // "ED" 0 1 + u24 length + routing info, sent when the client kept edge routing info
    if (this.pending.length >= 2 && this.pending[0] === 0x45 && this.pending[1] === 0x44) {
      if (this.pending.length < 7) {
        return false;
      }
      const routingLength = (this.pending.readUInt8(4) << 16) | this.pending.readUInt16BE(5);
      offset = 7 + routingLength;
    }
    const headerLength = NOISE_WA_HEADER.length;
    if (this.pending.length < offset + headerLength) {
      return false;
    }
    const header = this.pending.subarray(offset, offset + headerLength);
    if (header[0] !== 0x57 || header[1] !== 0x41) {
      throw new Error('connection did not start with the WA header');
    }
    this.header = Buffer.from(header);
    this.pending = this.pending.subarray(offset + headerLength);
    this.introDone = true;
    return true;
  }
}
