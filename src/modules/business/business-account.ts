import { BusinessPort } from '../../engine/ports/business.port';
import { AppError } from '../../platform/errors/app-error';
import type { ChannelRef } from '../channels/channels.contracts';

/**
 * A personal WhatsApp account has no business profile, catalog or orders. Known while the channel's socket
 * is live (here or on the worker holding it); without one, what the gateway stored is answered (and writes wait for the socket).
 */
export async function refuseIfPersonal(whatsapp: BusinessPort, channel: ChannelRef): Promise<void> {
  if ((await whatsapp.isBusiness(channel.id)) === false) {
    throw new AppError(
      'not_business_account',
      'This channel is linked to a personal WhatsApp account: business profiles, catalogs and orders exist only on WhatsApp Business accounts.',
    );
  }
}
