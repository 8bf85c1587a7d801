import { Logger } from '@nestjs/common';

let installed = false;

/**
 * Baileys 6.17 handles `<success>` in an async listener (socket.js, 'CB:success') whose queries reject
 * with the bare WebSocket close code (a number such as 1005) when the socket closes during login; nothing
 * catches them. Left alone, one socket closing at that moment would crash the gateway with an unhandled
 * rejection. Those, and only those, are marked handled and logged; any other unhandled rejection still
 * fails the process as Node would (rethrown as an uncaught exception).
 */
export function dropStrayCloseCodeRejections(): void {
  if (installed) return;
  installed = true;
  const logger = new Logger('BaileysSocket');
  process.on('unhandledRejection', (reason, promise) => {
    if (typeof reason === 'number' && reason >= 1000 && reason < 5000) {
      promise.catch(() => undefined);
      logger.warn(`a WhatsApp socket closed (code ${reason}) while logging in; its pending queries were dropped`);
      return;
    }
    throw reason;
  });
}
