import { SimDevice } from './sim-device';

describe(SimDevice.name, () => {
  const text = (message: { conversation?: string | null }) => message.conversation;

  it('opens a session from a bundle, and the next messages ride on it', async () => {
    const sender = new SimDevice('15550001001');
    const receiver = new SimDevice('15550001002');
    const bundle = await receiver.takeBundle();
    const first = await sender.encryptFor(receiver.jid, { conversation: 'one' }, () => bundle);
    expect(first.type).toBe('pkmsg');
    expect(text(await receiver.decrypt(sender.jid, first.type, first.ciphertext))).toBe('one');

    const reply = await receiver.encryptFor(sender.jid, { conversation: 'two' }, () => {
      throw new Error('the session exists: no bundle needed');
    });
    expect(text(await sender.decrypt(receiver.jid, reply.type, reply.ciphertext))).toBe('two');
    const next = await sender.encryptFor(receiver.jid, { conversation: 'three' }, () => bundle);
    expect(next.type).toBe('msg');
    expect(text(await receiver.decrypt(sender.jid, next.type, next.ciphertext))).toBe('three');
  });

  it('keeps nothing of a message it could not decrypt: the keys are as they were before it', async () => {
    const sender = new SimDevice('15550001003');
    const receiver = new SimDevice('15550001004');
    const bundle = await receiver.takeBundle();
    const sent = await sender.encryptFor(receiver.jid, { conversation: 'tampered' }, () => bundle);
    const tampered = Buffer.from(sent.ciphertext);
    tampered[tampered.length - 1] ^= 0xff; // the message's MAC
    const before = structuredClone(receiver.snapshot().keys);

    await expect(receiver.decrypt(sender.jid, sent.type, tampered)).rejects.toThrow();
    expect(receiver.snapshot().keys).toEqual(before);
    // the one-time pre-key is still there: the untouched message opens the session
    expect(text(await receiver.decrypt(sender.jid, sent.type, sent.ciphertext))).toBe('tampered');
  });
});
