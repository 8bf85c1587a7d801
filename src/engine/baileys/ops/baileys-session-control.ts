import { Injectable } from '@nestjs/common';
import { SessionControlPort } from '../../ports/session-control.port';
import { SessionManager } from '../../session-manager';

/** The session controls of a socket held in this process (see SessionControlPort). */
@Injectable()
export class BaileysSessionControl extends SessionControlPort {
  constructor(private readonly sessions: SessionManager) {
    super();
  }

  async currentQr(channelId: string): Promise<{ qr: string; expiresAt: Date } | null> {
    return this.sessions.currentQr(channelId);
  }

  requestPairingCode(channelId: string, phoneNumber: string): Promise<string> {
    return this.sessions.requestPairingCode(channelId, phoneNumber);
  }

  close(channelId: string, options?: { logout?: boolean }): Promise<void> {
    return this.sessions.close(channelId, options);
  }
}
