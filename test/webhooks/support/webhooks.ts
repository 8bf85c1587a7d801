import { Outbox } from '../../../src/modules/events/outbox';
import type { DomainEventInput } from '../../../src/modules/events/domain-event';
import { EVENT_EXAMPLES } from '../../../src/event-catalogue';
import type { EmittedEventType, PayloadOf } from '../../../src/modules/events/event-payloads';
import { TestGateway } from '../../support/gateway';
import { bearer } from '../../support/http';

/** Registers an endpoint through the API and returns its id and secret. */
export async function createEndpoint(
  gw: TestGateway,
  key: string,
  body: Record<string, unknown>,
): Promise<{ id: string; secret: string; [key: string]: unknown }> {
  const res = await gw.http.post('/v1/webhooks').set(bearer(key)).send(body);
  if (res.status !== 201) throw new Error(`create endpoint: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/**
 * Publishes a domain event the way channels and messages do, as one committed transaction: a message.received
 * by default, with the example payload of its type unless one is given.
 */
export function publish<T extends EmittedEventType = 'message.received'>(
  gw: TestGateway,
  input: { customerId: string; type?: T; channelId?: string | null; payload?: PayloadOf<T>; correlationId?: string | null },
) {
  const type = (input.type ?? 'message.received') as T;
  return gw.app.get(Outbox).publish({
    type,
    customerId: input.customerId,
    channelId: input.channelId ?? null,
    payload: input.payload ?? EVENT_EXAMPLES[type],
    correlationId: input.correlationId === undefined ? 'req_test_correlation' : input.correlationId,
  } as DomainEventInput);
}

/** A message.received payload whose message's text is `text`: a marker a test can find again. */
export function receivedWithText(text: string): PayloadOf<'message.received'> {
  const example = EVENT_EXAMPLES['message.received'];
  return { ...example, message: { ...example.message, text } };
}

/** The text of a delivered message.received (see `receivedWithText`). */
export function textOf(body: { payload: Record<string, unknown> }): string {
  return String((body.payload.message as { text?: unknown } | undefined)?.text);
}

export async function delivery(gw: TestGateway, key: string, id: string) {
  const res = await gw.http.get(`/v1/webhook-deliveries/${id}`).set(bearer(key));
  if (res.status !== 200) throw new Error(`get delivery: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as {
    id: string;
    status: 'pending' | 'delivered' | 'failed';
    attempt_count: number;
    attempts: Array<{
      number: number;
      outcome: string | null;
      status_code: number | null;
      latency_ms: number | null;
      error: string | null;
      response_snippet: string | null;
      finished_at: string | null;
    }>;
    [key: string]: unknown;
  };
}
