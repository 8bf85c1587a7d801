import { EVENT_CATALOGUE } from '../../src/event-catalogue';
import { webhookEnvelopeSchema } from '../../src/modules/webhooks/webhook-envelope';

function readable(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string[] {
  return issues.map((issue) => `${issue.path.map(String).join('.') || '(payload)'}: ${issue.message}`);
}

/** What is wrong with an event's payload according to its type's schema; [] when it matches. */
export function payloadProblems(type: string, payload: unknown): string[] {
  if (!EVENT_CATALOGUE.isEmitted(type)) return [`${type}: not an event type anything emits`];
  const result = EVENT_CATALOGUE.schemaOf(type).safeParse(payload);
  return result.success ? [] : readable(result.error.issues).map((problem) => `${type} ${problem}`);
}

/** What is wrong with a webhook delivery's body: its envelope, and the payload of its event type. */
export function envelopeProblems(body: { event?: unknown }): string[] {
  const type = String(body.event);
  if (!EVENT_CATALOGUE.isEmitted(type)) return [`${type}: not an event type anything emits`];
  const result = webhookEnvelopeSchema(type, EVENT_CATALOGUE.schemaOf(type)).safeParse(body);
  return result.success ? [] : readable(result.error.issues).map((problem) => `${type} ${problem}`);
}

/** Throws unless every payload matches its schema: a test reading events checks their shape on the way. */
export function assertPayloads(type: string, payloads: unknown[]): void {
  const problems = payloads.flatMap((payload) => payloadProblems(type, payload));
  if (problems.length > 0) throw new Error(`event payloads that do not match their schema:\n${problems.join('\n')}`);
}
