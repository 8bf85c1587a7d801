/**
 * Every BullMQ queue of the gateway. These names are stored in Redis with their jobs: NEVER rename one,
 * or jobs waiting under the old name are orphaned. Add new names; retire old ones only once drained.
 */
export const QUEUES = {
  /** Delayed reconnect attempts of channels (exponential backoff with jitter). */
  channelReconnect: 'channel-reconnect',
  /** Outbound message sends, run by the worker that holds the channel's socket. */
  outboundMessages: 'outbound-messages',
  /** Webhook delivery attempts. */
  webhookDelivery: 'webhook-delivery',
  /** Periodic maintenance (media retention, outbox sweeps). */
  maintenance: 'maintenance',
  /** WhatsApp Business catalog work: product syncs and bulk imports, paced to WhatsApp's throttle. */
  businessCatalog: 'business-catalog',
} as const;
