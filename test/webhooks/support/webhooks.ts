import { EventsService } from '../../../src/modules/events/events.service';
import type { DomainEventInput } from '../../../src/modules/events/domain-event';
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

/** Publishes a domain event the way channels and messages do, as one committed transaction. */
export function publish(gw: TestGateway, input: Partial<DomainEventInput> & { customerId: string }) {
  return gw.app.get(EventsService).publish({
    type: 'message.received',
    channelId: null,
    payload: { text: 'hello' },
    correlationId: 'req_test_correlation',
    ...input,
  });
}

export async function delivery(gw: TestGateway, key: string, id: string) {
  const res = await gw.http.get(`/v1/webhook-deliveries/${id}`).set(bearer(key));
  if (res.status !== 200) throw new Error(`get delivery: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as {
    id: string;
    status: 'pending' | 'delivered' | 'failed';
    attempt_count: number;
    attempts: Array<{ number: number; outcome: string | null; status_code: number | null; latency_ms: number | null; error: string | null; response_snippet: string | null; finished_at: string | null }>;
    [key: string]: unknown;
  };
}
