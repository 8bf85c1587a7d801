import { Injectable } from '@nestjs/common';
import type { WASocket } from '@whiskeysockets/baileys';
import { TimeoutError, withTimeout } from '../../platform/async';
import { AppError } from '../../platform/errors/app-error';
import { toAppError } from './baileys-errors';

export const DEFAULT_TIMEOUT_MS = 15_000;

/**
 * The open sockets of this worker's sessions, and the one way to call WhatsApp over one. `call` owns what every
 * operation has in common: the channel must have a live socket here (`channel_unavailable` otherwise), the
 * request is bounded in time, and WhatsApp's refusals become the API's codes (baileys-errors.ts). A capability
 * adds an operation as one port method and one `call`.
 */
@Injectable()
export class BaileysSockets {
  private readonly open = new Map<string, WASocket>();

  /** The session manager registers a socket once it is open and ready, and removes it when it closes. */
  register(channelId: string, socket: WASocket): void {
    this.open.set(channelId, socket);
  }

  unregister(channelId: string, socket?: WASocket): void {
    if (!socket || this.open.get(channelId) === socket) this.open.delete(channelId);
  }

  socketOf(channelId: string): WASocket | undefined {
    return this.open.get(channelId);
  }

  async call<T>(
    channelId: string,
    operation: string,
    fn: (socket: WASocket) => Promise<T>,
    options: { timeoutMs?: number } = {},
  ): Promise<T> {
    const socket = this.open.get(channelId);
    if (!socket) {
      throw new AppError(
        'channel_unavailable',
        'The channel has no live WhatsApp session on this worker; connect it and wait for status connected.',
        {
          details: { reason: 'not_connected', operation },
        },
      );
    }
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    try {
      return await withTimeout(fn(socket), timeoutMs, operation);
    } catch (error) {
      if (error instanceof TimeoutError) {
        throw new AppError('channel_unavailable', 'WhatsApp did not answer in time.', {
          details: { reason: 'whatsapp_timeout', operation, timeout_ms: timeoutMs },
        });
      }
      throw toAppError(error, operation);
    }
  }
}
