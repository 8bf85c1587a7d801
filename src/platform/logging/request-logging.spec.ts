import { Writable } from 'node:stream';
import express from 'express';
import pino from 'pino';
import request from 'supertest';
import { requestIdMiddleware } from '../http/request-id';
import { AppLogger } from './app-logger';
import { outsideRequestContext } from './request-context';
import { requestLogging } from './request-logging';

/** An app whose log lines are kept: each route logs through Nest's contract as a service would. */
function loggedApp(level = 'info') {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const logger = new AppLogger(pino({ level }, sink));
  const app = express();
  app.use(requestIdMiddleware);
  app.use(requestLogging(logger.pino));
  app.get('/ok', (_req, res) => {
    setImmediate(() => {
      logger.log('working on it', 'Worker');
      res.status(202).json({ ok: true });
    });
  });
  app.get('/fails', (_req, res) => {
    logger.error('it broke', 'Error: it broke\n    at somewhere (file.ts:1:1)', 'ExceptionsHandler');
    res.status(500).json({ ok: false });
  });
  app.get('/detached', (_req, res) => {
    outsideRequestContext(() => setTimeout(() => logger.warn({ channel_id: 'ch_1' }, 'Engine'), 5));
    res.json({ ok: true });
  });
  return { app, lines, logger };
}

describe('request logs', () => {
  it('writes one line per request with its id, method, URL, status and time, never its headers', async () => {
    const { app, lines } = loggedApp();
    await request(app).get('/ok?x=1').set('X-Request-Id', 'req_logged_0001').set('Authorization', 'Bearer wiu_secret').expect(202);
    await new Promise((resolve) => setImmediate(resolve));
    const completed = lines.filter((line) => line.msg === 'request completed');
    expect(completed).toEqual([
      expect.objectContaining({
        level: 30,
        request_id: 'req_logged_0001',
        req: { method: 'GET', url: '/ok?x=1' },
        res: { statusCode: 202 },
        responseTime: expect.any(Number),
      }),
    ]);
    expect(JSON.stringify(lines)).not.toContain('wiu_secret');
  });

  it('gives the lines written while serving a request its id, and their context', async () => {
    const { app, lines } = loggedApp();
    await request(app).get('/ok').set('X-Request-Id', 'req_logged_0002').expect(202);
    expect(lines.find((line) => line.msg === 'working on it')).toMatchObject({
      level: 30,
      context: 'Worker',
      request_id: 'req_logged_0002',
      req: { method: 'GET', url: '/ok' },
    });
  });

  it('logs a 5xx at error level, with the stack Nest passes as the error', async () => {
    const { app, lines } = loggedApp();
    await request(app).get('/fails').set('X-Request-Id', 'req_logged_0003').expect(500);
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.find((line) => line.msg === 'it broke')).toMatchObject({
      level: 50,
      context: 'ExceptionsHandler',
      request_id: 'req_logged_0003',
      err: { message: 'it broke', stack: expect.stringContaining('at somewhere') },
    });
    expect(lines.find((line) => line.msg === 'request errored')).toMatchObject({ level: 50, res: { statusCode: 500 } });
  });

  it('keeps work started outside the request out of its lines', async () => {
    const { app, lines } = loggedApp();
    await request(app).get('/detached').set('X-Request-Id', 'req_logged_0004').expect(200);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const detached = lines.find((line) => line.channel_id === 'ch_1');
    expect(detached).toMatchObject({ level: 40, context: 'Engine' });
    expect(detached).not.toHaveProperty('request_id');
  });

  it('writes nothing when its level is off', async () => {
    const { app, lines } = loggedApp('warn');
    await request(app).get('/ok').expect(202);
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toEqual([]);
  });
});
