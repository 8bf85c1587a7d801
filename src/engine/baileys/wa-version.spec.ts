import { loadConfig } from '../../platform/config/load-config';
import { WaVersion } from './wa-version';

const base = { NODE_ENV: 'test', DATA_DIR: '/tmp/wiu-wa-version-spec' };

describe('WA_VERSION', () => {
  it('reads default, latest and a fixed version, and refuses anything else naming the variable', () => {
    expect(loadConfig({ ...base }).waVersion).toBe('default');
    expect(loadConfig({ ...base, WA_VERSION: 'latest' }).waVersion).toBe('latest');
    expect(loadConfig({ ...base, WA_VERSION: '2.3000.1012345678' }).waVersion).toEqual([2, 3000, 1012345678]);
    expect(() => loadConfig({ ...base, WA_VERSION: '2.3000' })).toThrow(/WA_VERSION must be default, latest, or a version/);
  });

  it('announces the engine default for default, the fixed version as set', async () => {
    await expect(new WaVersion(loadConfig({ ...base })).forSockets()).resolves.toBeUndefined();
    await expect(new WaVersion(loadConfig({ ...base, WA_VERSION: '2.3000.7' })).forSockets()).resolves.toEqual([2, 3000, 7]);
  });

  it('asks WhatsApp once for latest, and falls back to the engine default when it cannot say', async () => {
    const answers = [
      { version: [2, 3000, 1099999999] as [number, number, number], isLatest: true },
      {
        version: [2, 3000, 1043857760] as [number, number, number],
        isLatest: false,
        error: new Error('getaddrinfo ENOTFOUND web.whatsapp.com'),
      },
    ];
    class Asking extends WaVersion {
      asked = 0;
      constructor(private readonly answer: (typeof answers)[number]) {
        super(loadConfig({ ...base, WA_VERSION: 'latest' }));
      }
      protected override async askWhatsApp() {
        this.asked++;
        return this.answer;
      }
    }
    const reached = new Asking(answers[0]);
    await expect(reached.forSockets()).resolves.toEqual([2, 3000, 1099999999]);
    await reached.forSockets();
    expect(reached.asked).toBe(1);
    await expect(new Asking(answers[1]).forSockets()).resolves.toBeUndefined();
  });
});
