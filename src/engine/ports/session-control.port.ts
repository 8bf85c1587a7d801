/**
 * What the API asks of a channel's session that only the process holding its socket can do or knows: the QR
 * being shown, a pairing code, closing the socket. Routed like the capability ports, so an API process (or
 * any worker) reaches the session wherever it lives.
 */
export abstract class SessionControlPort {
  /** The QR the socket shows now; null when it shows none (connected, or not waiting to pair). */
  abstract currentQr(channelId: string): Promise<{ qr: string; expiresAt: Date } | null>;

  /** Asks WhatsApp for a code to pair by phone number instead of a QR. */
  abstract requestPairingCode(channelId: string, phoneNumber: string): Promise<string>;

  /** Ends the socket; with `logout`, unlinks the device first (best effort). */
  abstract close(channelId: string, options?: { logout?: boolean }): Promise<void>;
}
