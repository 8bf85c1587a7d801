import { DisconnectReason } from '@whiskeysockets/baileys';
import type { CloseCause } from '../session-manager';

/** Reads Baileys' close error (a Boom) into the gateway's terms. */
export function classifyClose(error: unknown, registered: boolean): { cause: CloseCause; code: number | null; message: string } {
  const boom = error as { output?: { statusCode?: number }; message?: string } | undefined;
  const code = boom?.output?.statusCode ?? null;
  const message = boom?.message ?? 'connection closed';
  switch (code) {
    case DisconnectReason.restartRequired:
      return { cause: 'restart_required', code, message };
    case DisconnectReason.loggedOut:
      return { cause: 'logged_out', code, message };
    case DisconnectReason.connectionReplaced:
      return { cause: 'replaced', code, message };
    case DisconnectReason.timedOut:
      // 408 is both "QR refs attempts ended" before pairing and a lost connection after it.
      return { cause: registered ? 'connection_lost' : 'pairing_timeout', code, message };
    case DisconnectReason.connectionClosed:
    case DisconnectReason.unavailableService:
    case null:
      return { cause: 'connection_lost', code, message };
    default:
      return { cause: 'other', code, message };
  }
}
