import type { WASocket } from '@whiskeysockets/baileys';
import { AppError } from '../../platform/errors/app-error';

/** How long a change waits for the phone's key share; phones send it within a few seconds of a link. */
export const APP_STATE_KEY_WAIT_MS = 10_000;

/**
 * Resolves once the socket holds the key its app-state patches are encrypted with (chat archive/pin/mute/read
 * state, labels). The phone shares that key in a message shortly after a companion is linked, while the
 * session already reads `connected`: a change made in that moment would be refused by Baileys as malformed
 * ("App state key not present"), so it waits for the key instead, and says plainly what is missing when the
 * phone does not share it in time.
 */
export async function appStateKeyReady(socket: WASocket, operation: string, waitMs = APP_STATE_KEY_WAIT_MS): Promise<void> {
  if (socket.authState.creds.myAppStateKeyId) return;
  await new Promise<void>((resolve, reject) => {
    const onCreds = (update: { myAppStateKeyId?: string }): void => {
      if (!update.myAppStateKeyId && !socket.authState.creds.myAppStateKeyId) return;
      clearTimeout(timer);
      socket.ev.off('creds.update', onCreds);
      resolve();
    };
    const timer = setTimeout(() => {
      socket.ev.off('creds.update', onCreds);
      reject(
        new AppError(
          'channel_unavailable',
          'The phone has not yet shared the key for chat settings and labels with this channel; retry in a few seconds.',
          { details: { reason: 'app_state_key_missing', operation, waited_ms: waitMs } },
        ),
      );
    }, waitMs);
    socket.ev.on('creds.update', onCreds);
  });
}
