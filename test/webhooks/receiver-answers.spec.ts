import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { useTestContext } from '../support/context';
import { bearer } from '../support/http';
import { eventually } from './support/receiver';
import { createEndpoint, delivery } from './support/webhooks';

describe('Webhook receivers answering text PostgreSQL cannot hold', () => {
  const ctx = useTestContext({ egressAllowedHosts: ['127.0.0.1'] });
  let server: http.Server;
  let answers: Array<{ status: number; body: Buffer }> = [];

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        const answer = answers.shift() ?? { status: 200, body: Buffer.from('ok') };
        response.writeHead(answer.status, { 'Content-Type': 'text/plain' }).end(answer.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('records an answer holding U+0000 with U+FFFD in its place, and still delivers', async () => {
    answers = [
      { status: 500, body: Buffer.from('boom\u0000', 'utf8') },
      { status: 200, body: Buffer.concat([Buffer.from('ok'), Buffer.from([0])]) },
    ];
    const { key } = await ctx.gw.newAccount({ plan: 'unlimited' });
    const endpoint = await createEndpoint(ctx.gw, key, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook` });
    const test = await ctx.http.post(`/v1/webhooks/${endpoint.id}/test`).set(bearer(key)).expect(202);
    const delivered = await eventually(async () => {
      const current = await delivery(ctx.gw, key, test.body.id);
      return current.status === 'delivered' && current;
    });
    expect(delivered.attempts.map((a) => [a.status_code, a.response_snippet])).toEqual([
      [500, 'boom\ufffd'],
      [200, 'ok\ufffd'],
    ]);
  });
});
