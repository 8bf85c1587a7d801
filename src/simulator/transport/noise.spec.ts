import { type BinaryNode, NOISE_WA_HEADER, decodeBinaryNode, encodeBinaryNode, makeNoiseHandler, proto } from '@whiskeysockets/baileys';
import pino from 'pino';
import { generateKeyPair } from '../crypto/keys';
import { FrameReader, encodeFrame } from './frames';
import { NoiseServerHandshake } from './noise';

describe(NoiseServerHandshake.name, () => {
  it("completes a handshake with Baileys' own client handler and carries nodes both ways", async () => {
    const ephemeral = generateKeyPair();
    const noiseKey = generateKeyPair();
    const client = makeNoiseHandler({
      keyPair: ephemeral,
      NOISE_HEADER: NOISE_WA_HEADER,
      logger: pino({ level: 'silent' }),
      routingInfo: undefined,
    });
    const server = new NoiseServerHandshake(generateKeyPair());
    const reader = new FrameReader();

    const hello = client.encodeFrame(proto.HandshakeMessage.encode({ clientHello: { ephemeral: ephemeral.public } }).finish());
    const [helloFrame] = reader.push(Buffer.from(hello));
    const serverHello = proto.HandshakeMessage.decode(server.respondToHello(reader.header!, helloFrame));

    const staticEnc = client.processHandshake(serverHello, noiseKey);
    const payload = { username: 15550001111, device: 3, passive: false, pull: true };
    const payloadEnc = client.encrypt(proto.ClientPayload.encode(payload).finish());
    const finish = client.encodeFrame(proto.HandshakeMessage.encode({ clientFinish: { static: staticEnc, payload: payloadEnc } }).finish());
    const [finishFrame] = reader.push(Buffer.from(finish));
    const { clientStatic, payload: decoded } = server.readFinish(finishFrame);
    expect(clientStatic.equals(noiseKey.public)).toBe(true);
    expect(decoded.device).toBe(3);
    expect(Number(decoded.username)).toBe(15550001111);

    await client.finishInit();
    const cipher = server.split();
    const node: BinaryNode = { tag: 'iq', attrs: { id: '1', type: 'result', from: '@s.whatsapp.net' } };

    const received: unknown[] = [];
    await client.decodeFrame(encodeFrame(cipher.encrypt(encodeBinaryNode(node))), (frame) => received.push(frame));
    expect(received).toEqual([node]);

    const [fromClient] = reader.push(Buffer.from(client.encodeFrame(encodeBinaryNode(node))));
    expect(await decodeBinaryNode(cipher.decrypt(fromClient))).toEqual(node);
  });
});

describe(FrameReader.name, () => {
  it('skips the edge routing block and reassembles frames split across messages', () => {
    const routing = Buffer.from('routing-info');
    const intro = Buffer.concat([Buffer.from([0x45, 0x44, 0, 1, 0, 0, routing.length]), routing, NOISE_WA_HEADER]);
    const stream = Buffer.concat([intro, encodeFrame(Buffer.from('first')), encodeFrame(Buffer.from('second'))]);
    const reader = new FrameReader();
    const frames: string[] = [];
    for (let i = 0; i < stream.length; i += 5) {
      frames.push(...reader.push(stream.subarray(i, i + 5)).map((f) => f.toString()));
    }
    expect(reader.header?.equals(NOISE_WA_HEADER)).toBe(true);
    expect(frames).toEqual(['first', 'second']);
  });

  it('refuses a stream that does not start with the WA header', () => {
    expect(() => new FrameReader().push(Buffer.from('GET / HTTP/1.1'))).toThrow();
  });
});
