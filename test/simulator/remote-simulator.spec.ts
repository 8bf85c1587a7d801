import {
  ControlServer,
  GroupRefusal,
  RemoteSimulator,
  type SimulatorApi,
  SimulatorUnreachable,
  type WhatsAppSimulator,
} from '../../src/simulator';
import { startSimulator } from './support/simulator';

/**
 * The simulator driven from another process through its control API's call route: the same asynchronous
 * interface as the in-process one, the same values and the same refusals, and nothing beyond its allow-list.
 */
describe('RemoteSimulator', () => {
  let sim: WhatsAppSimulator;
  let control: ControlServer;
  let base: string;
  let remote: SimulatorApi;

  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as { error?: string } };
  };

  beforeAll(async () => {
    sim = await startSimulator();
    control = new ControlServer(sim);
    base = await control.listen();
    remote = await RemoteSimulator.connect(base);
  });

  afterAll(async () => {
    await control.close();
    await sim.stop();
  });

  it('reads where the simulator is, and trusts its media host', async () => {
    expect(remote.url).toBe(sim.url);
    const media = remote.createMediaClient();
    try {
      expect(media.agent.options.ca).toBe(sim.mediaCaPem);
    } finally {
      await media.close();
    }
  });

  it('calls the simulator with the values it was given, and answers with what it returned', async () => {
    expect(await remote.createPhone('15550009101', { pushName: 'Ana' })).toEqual(sim.phone('15550009101'));
    await remote.createPhone('15550009102');
    const group = await remote.createGroup('15550009101', 'Remote group', ['15550009102']);
    expect(group).toMatchObject({ subject: 'Remote group', refused: [] });
    // a Buffer argument and a null one, undefined answers
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]);
    expect((await remote.setGroupPicture(group.id, '15550009101', jpeg)).pictureUrl).toEqual(expect.any(String));
    expect((await remote.setGroupPicture(group.id, '15550009101', null)).pictureUrl).toBeNull();
    expect(await remote.leaveGroup(group.id, '15550009102')).toBeUndefined();
    expect(await remote.group('120363000000000404@g.us')).toBeUndefined();
    expect(await remote.group(group.id)).toEqual(sim.group(group.id));
  });

  it('throws the refusals of the simulator as the same classes', async () => {
    await remote.createPhone('15550009103');
    const group = await remote.createGroup('15550009103', 'Strict', []);
    const refused = await remote.setGroupSubject(group.id, '15550009104', 'not mine').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(GroupRefusal);
    expect(refused).toMatchObject({ code: expect.any(Number), text: expect.any(String) });
    const unknown = await remote.endCall('NO-SUCH-CALL', 'hangup').catch((error: unknown) => error);
    expect(unknown).toBeInstanceOf(Error);
    expect((unknown as Error).message).toMatch(/NO-SUCH-CALL/);
  });

  it('offers only the methods of its allow-list', async () => {
    for (const method of ['stop', 'start', 'constructor', '__proto__', 'toString', 'emit', 'waitForMessage']) {
      const res = await post(`/call/${method}`, { args: [] });
      expect([method, res.status, res.body.error]).toEqual([method, 404, `${method} is not a method the control API offers`]);
    }
    expect((await post('/call/createPhone', { args: 'no' })).status).toBe(400);
  });

  it('fails with SimulatorUnreachable where no simulator answers', async () => {
    const closed = new ControlServer(sim);
    const url = await closed.listen();
    await closed.close();
    await expect(RemoteSimulator.connect(url)).rejects.toThrow(SimulatorUnreachable);
  });
});
