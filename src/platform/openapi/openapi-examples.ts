import type { OpenAPIObject, OperationObject } from '@nestjs/swagger';

type Examples = Record<string, { summary?: string; value: unknown }>;

interface OperationExamples {
  request?: Examples;
  responses?: Record<number, Examples>;
}

const CHANNEL_ID = '0195f3c2-7b1e-7c3a-9d2e-5f8a1b2c3d4e';
const AT = '2026-04-02T09:30:00.000Z';
const LATER = '2026-04-02T09:30:01.250Z';
const CONTACT = '+15551234567';

const channel = {
  id: CHANNEL_ID,
  name: 'Support line',
  mode: 'live',
  status: 'pending',
  status_since: AT,
  phone_number: null,
  created_at: AT,
  updated_at: AT,
  deleted_at: null,
  calls: { auto_reject: false, message: null },
};

const outboundText = {
  id: 'msg_01JQX8Z3C5V7B9N1M3K5H7G9F2',
  channel_id: CHANNEL_ID,
  chat_id: '15551234567@s.whatsapp.net',
  from: null,
  from_lid: null,
  direction: 'outbound',
  type: 'text',
  status: 'delivered',
  failure_reason: null,
  client_ref: 'order-1042-shipped',
  wa_message_id: '3EB0C4F2A1B2C3D4E5F6',
  push_name: null,
  timestamp: AT,
  sent_at: LATER,
  delivered_at: '2026-04-02T09:30:02.000Z',
  read_at: null,
  created_at: AT,
  text: 'Your order 1042 has shipped.',
};

const inboundImage = {
  id: 'msg_01JQX9A1B2C3D4E5F6G7H8J9K0',
  channel_id: CHANNEL_ID,
  chat_id: '15551234567@s.whatsapp.net',
  from: '15551234567@s.whatsapp.net',
  from_lid: '204871234567890@lid',
  direction: 'inbound',
  type: 'image',
  status: 'received',
  failure_reason: null,
  client_ref: null,
  wa_message_id: '3A7F9C1E5B2D4F6A8C0E',
  push_name: 'Dana',
  timestamp: '2026-04-02T09:31:10.000Z',
  sent_at: null,
  delivered_at: null,
  read_at: null,
  created_at: '2026-04-02T09:31:10.412Z',
  image: {
    media_id: 'med_01JQX9A1C4D5E6F7G8H9J0K1M2',
    mime_type: 'image/jpeg',
    caption: 'The parcel arrived damaged',
    file_size: 48213,
    sha256: '9f2c7e5d1b3a4c6e8f0a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d0e2f4a6b8c0d2e',
  },
};

/**
 * Request and response examples of the operations a newcomer starts with, by operationId. They are checked
 * against the operation's schemas by the OpenAPI test, so they cannot drift from the contract.
 */
const OPERATION_EXAMPLES: Record<string, OperationExamples> = {
  Channels_create: {
    request: { channel: { value: { name: 'Support line' } } },
    responses: { 201: { pending: { summary: 'A new channel, waiting for POST …/connect', value: channel } } },
  },
  Channels_connect: {
    responses: {
      202: {
        connecting: {
          summary: 'Connecting; the channel moves to `qr` (unpaired) or `connected`',
          value: {
            channel_id: CHANNEL_ID,
            status: 'connecting',
            since: LATER,
            reason: null,
            reconnect_attempts: 0,
            phone_number: null,
            worker_id: 'gateway-1-4721-a3f09c',
          },
        },
      },
    },
  },
  Messages_send: {
    request: {
      text: {
        summary: 'Text, with an idempotency key',
        value: { type: 'text', to: CONTACT, text: 'Your order 1042 has shipped.', client_ref: 'order-1042-shipped' },
      },
      image: {
        summary: 'An image stored with POST …/media',
        value: { type: 'image', to: CONTACT, image: { media_id: 'med_01JQX9A1C4D5E6F7G8H9J0K1M2', caption: 'Your receipt' } },
      },
      document: {
        summary: 'A document fetched from a URL',
        value: {
          type: 'document',
          to: CONTACT,
          document: { source_url: 'https://example.com/invoices/1042.pdf', filename: 'invoice-1042.pdf' },
        },
      },
      location: {
        value: {
          type: 'location',
          to: CONTACT,
          location: { latitude: 52.52, longitude: 13.405, name: 'Pickup point', address: 'Alexanderplatz 1, Berlin' },
        },
      },
      template: {
        summary: 'A template, rendered as formatted text',
        value: {
          type: 'template',
          to: CONTACT,
          template: {
            name: 'order_update',
            header: 'Order 1042',
            body: 'Your order has shipped.',
            buttons: [{ type: 'url', text: 'Track', url: 'https://example.com/t/1042' }],
          },
        },
      },
      interactive: {
        summary: 'Reply buttons, rendered as a numbered list',
        value: {
          type: 'interactive',
          to: CONTACT,
          interactive: {
            type: 'button',
            body: { text: 'Was the delivery on time?' },
            action: {
              buttons: [
                { type: 'reply', reply: { id: 'yes', title: 'Yes' } },
                { type: 'reply', reply: { id: 'no', title: 'No' } },
              ],
            },
          },
        },
      },
      reaction: { value: { type: 'reaction', to: CONTACT, reaction: { message_id: 'msg_01JQX9A1B2C3D4E5F6G7H8J9K0', emoji: '👍' } } },
    },
    responses: {
      202: {
        sent: {
          summary: 'Went out while the request waited',
          value: { message_id: 'msg_01JQX8Z3C5V7B9N1M3K5H7G9F2', client_ref: 'order-1042-shipped', status: 'sent' },
        },
        queued: {
          summary: 'Accepted; it goes out when the channel can send',
          value: { message_id: 'msg_01JQX8Z3C5V7B9N1M3K5H7G9F3', client_ref: null, status: 'queued' },
        },
      },
      409: {
        channel_unavailable: {
          summary: 'The channel is not meant to be connected',
          value: {
            error: {
              code: 'channel_unavailable',
              message: 'The channel is pending: connect it before sending.',
              details: { current_state: 'pending' },
            },
            request_id: 'req_01JQX8Z3C5V7B9N1M3K5H7G9F4',
          },
        },
      },
    },
  },
  Messages_list: {
    responses: {
      200: {
        page: {
          summary: 'Newest first; pass next_cursor as cursor for the next page',
          value: { data: [inboundImage, outboundText], has_more: true, next_cursor: 'eyJiIjoibXNnXzAxSlFYOFozQzVWN0I5TjFNM0s1SDdHOUYyIn0' },
        },
        last: { summary: 'The last page', value: { data: [], has_more: false, next_cursor: null } },
      },
    },
  },
  Messages_get: { responses: { 200: { outbound: { value: outboundText }, inbound: { value: inboundImage } } } },
  Webhooks_create: {
    request: {
      messages: {
        summary: 'Message events of one channel',
        value: {
          url: 'https://example.com/hooks/whatsapp',
          events: ['message.received', 'message.delivered', 'message.failed'],
          channel_id: CHANNEL_ID,
          description: 'CRM inbox',
        },
      },
      everything: { summary: 'Every event of every channel', value: { url: 'https://example.com/hooks/all' } },
    },
    responses: {
      201: {
        created: {
          summary: 'Store the secret now: it is shown once',
          value: {
            id: 'whe_01JQXB2C3D4E5F6G7H8J9K0N1M',
            url: 'https://example.com/hooks/whatsapp',
            events: ['message.received', 'message.delivered', 'message.failed'],
            channel_id: CHANNEL_ID,
            enabled: true,
            description: 'CRM inbox',
            disabled_reason: null,
            previous_secret_expires_at: null,
            created_at: AT,
            updated_at: AT,
            secret: 'whsec_5tYb2Qm8Xc1Vn7Lp3Kd9Hs4Fg6Jw0Ra',
          },
        },
      },
    },
  },
  Sandbox_scan: {
    request: {
      newPhone: { summary: 'A new simulated phone', value: {} },
      phone: { summary: 'A phone of your choice', value: { phone_number: '+15550001234' } },
    },
    responses: { 200: { scanned: { value: { channel_id: CHANNEL_ID, phone_number: '+15550001234' } } } },
  },
};

/** The operations that have examples, for the OpenAPI test. */
export const OPERATIONS_WITH_EXAMPLES = Object.keys(OPERATION_EXAMPLES);

export function addExamples(document: OpenAPIObject): void {
  const operations = new Map<string, OperationObject>();
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item) as OperationObject[])
      if (operation?.operationId) operations.set(operation.operationId, operation);
  }
  for (const [operationId, { request, responses }] of Object.entries(OPERATION_EXAMPLES)) {
    const operation = operations.get(operationId);
    if (!operation) continue; // the OpenAPI test fails on an example whose operation is gone
    const body =
      operation.requestBody && !('$ref' in operation.requestBody) ? operation.requestBody.content['application/json'] : undefined;
    if (request && body) body.examples = request;
    for (const [status, examples] of Object.entries(responses ?? {})) {
      const response = operation.responses[status];
      const content = response && !('$ref' in response) ? response.content?.['application/json'] : undefined;
      if (content) content.examples = examples;
    }
  }
}
