/**
 * Rewrites the generated "Event payloads" section of docs/webhooks.md from the payload schemas
 * (the event catalogue, src/event-catalogue.ts). A spec fails while the section is stale.
 *
 *   node -r @swc-node/register scripts/docs/event-payloads.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import { EVENT_CATALOGUE } from '../../src/event-catalogue';
import { withEventPayloadDocs } from '../../src/modules/events/event-docs';

const file = path.join(__dirname, '../../docs/webhooks.md');
const before = fs.readFileSync(file, 'utf8');
const after = withEventPayloadDocs(before, EVENT_CATALOGUE);
if (after === before) {
  console.log('docs/webhooks.md: event payloads already up to date');
} else {
  fs.writeFileSync(file, after);
  console.log('docs/webhooks.md: event payloads rewritten');
}
