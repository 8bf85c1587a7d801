#!/usr/bin/env node
// A minimal webhook receiver that verifies WhatIsUp's signature, with Node's standard library only.
//   WHSEC=whsec_… node examples/webhook-receiver.js [port]      (default port 4000)
// Prints one JSON line per delivery: verified or not, the event type and its payload. Answers 200 to a
// verified delivery and 400 to anything else, so the gateway retries what this receiver could not trust.
'use strict';

const crypto = require('node:crypto');
const http = require('node:http');

const secret = process.env.WHSEC;
if (!secret || !secret.startsWith('whsec_')) {
  process.stderr.write("Set WHSEC to the endpoint's signing secret (whsec_…), shown when the endpoint is created.\n");
  process.exit(1);
}
const port = Number(process.argv[2] ?? 4000);
const TOLERANCE_SECONDS = 300;

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, one v1 per live secret during a rotation. */
function verify(rawBody, header) {
  const parts = String(header ?? '').split(',');
  const t = Number(parts.find((part) => part.startsWith('t='))?.slice(2));
  if (!Number.isFinite(t) || Math.abs(Date.now() / 1000 - t) > TOLERANCE_SECONDS) return false;
  const expected = Buffer.from(crypto.createHmac('sha256', secret).update(`${t}.${rawBody}`).digest('hex'));
  return parts
    .filter((part) => part.startsWith('v1='))
    .map((part) => Buffer.from(part.slice(3)))
    .some((candidate) => candidate.length === expected.length && crypto.timingSafeEqual(candidate, expected));
}

http
  .createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const verified = verify(rawBody, request.headers['x-whatisup-signature']);
      let delivery = {};
      try {
        delivery = JSON.parse(rawBody);
      } catch {
        // Printed as unverified below; nothing else to do with a body that is not JSON.
      }
      process.stdout.write(`${JSON.stringify({ verified, event: delivery.event, id: delivery.id, payload: delivery.payload })}\n`);
      response.writeHead(verified ? 200 : 400).end();
    });
  })
  .listen(port, '127.0.0.1', () => process.stderr.write(`listening on http://127.0.0.1:${port}/\n`));
