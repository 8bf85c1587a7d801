import type { StrayRejection } from '../../platform/stray-rejections';

/**
 * Baileys handles `<success>` (and a few other stanzas) in async listeners whose queries nobody awaits: when
 * the socket closes under them they reject with the bare WebSocket close code (a number such as 1005), or,
 * since closing removes the listener that would have rejected them, with "Timed Out" once their query timer
 * fires. Left alone, one socket closing at that moment would crash the gateway with an unhandled rejection.
 */
export const ABANDONED_BAILEYS_QUERY: StrayRejection = {
  source: 'a WhatsApp socket',
  recognise: (reason) => (isStrayBaileysRejection(reason) ? describe(reason) : undefined),
};

/**
 * The two shapes Baileys' abandoned queries reject with: the bare WebSocket close code, or its own Boom
 * "Timed Out" (408) / "Connection Closed" (428) once the socket that should have answered is gone.
 */
export function isStrayBaileysRejection(reason: unknown): boolean {
  if (typeof reason === 'number') return reason >= 1000 && reason < 5000;
  const boom = reason as { isBoom?: boolean; output?: { statusCode?: number } } | null;
  return boom?.isBoom === true && (boom.output?.statusCode === 408 || boom.output?.statusCode === 428);
}

function describe(reason: unknown): string {
  return typeof reason === 'number' ? `close code ${reason}` : String((reason as Error).message);
}
