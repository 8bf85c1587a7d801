import { WhatsAppSimulator } from '../control/simulator';
import { AccountRegistry } from './accounts';
import { decodeSnapshot, encodeSnapshot } from './snapshot';

describe('simulator snapshots', () => {
  it('rebuild the registries with their classes, shared objects shared, devices with the same keys', async () => {
    const registry = new AccountRegistry('lid');
    const account = registry.create('15550007001', 'Ana');
    account.blocked.add('15550007002@s.whatsapp.net');
    account.businessState.newProductId();
    const bundle = await account.phoneDevice.takeBundle();

    const { registry: back } = decodeSnapshot(encodeSnapshot({ registry })) as { registry: AccountRegistry };
    expect(back).toBeInstanceOf(AccountRegistry);
    const restored = back.get('15550007001')!;
    // one account, found by number and by LID
    expect(back.getByLid(account.lidJid)).toBe(restored);
    expect(restored.pushName).toBe('Ana');
    expect(restored.blocked).toEqual(new Set(['15550007002@s.whatsapp.net']));
    expect(restored.businessState.newProductId()).toBe(account.businessState.newProductId());
    expect(restored.phoneDevice.identityKey).toEqual(account.phoneDevice.identityKey);
    // the next pre-key continues the sequence: no id is handed out twice
    expect((await restored.phoneDevice.takeBundle()).preKey?.keyId).toBe(bundle.preKey!.keyId + 1);
    // the app-state store works again with the account's key
    expect(restored.appState.version('regular')).toBe(0);
  });

  it('refuses a snapshot of another version, and what it cannot save', async () => {
    expect(() => decodeSnapshot(JSON.stringify({ version: 2, state: {} }))).toThrow('a simulator snapshot of version 2 cannot be read');
    expect(() => encodeSnapshot({ phone: { call: () => 1 } })).toThrow('a function cannot be saved (at state.phone.call)');
    // a simulator does not start on a state it cannot read
    const simulator = new WhatsAppSimulator({ stateStore: { load: async () => '{"version":2}', save: async () => undefined } });
    await expect(simulator.start()).rejects.toThrow(
      'the saved simulator state cannot be read (a simulator snapshot of version 2 cannot be read); remove it to start an empty network',
    );
  });
});
