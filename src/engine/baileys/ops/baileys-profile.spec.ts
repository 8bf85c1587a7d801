import { aboutOf } from './baileys-profile';

describe("the about text in Baileys' fetchStatus answer", () => {
  it('reads the text of the first user', () => {
    expect(aboutOf([{ id: '1@s.whatsapp.net', status: { status: 'Busy', setAt: new Date(0) } }])).toBe('Busy');
  });

  it('reads no text, a hidden one (empty) and no answer as none', () => {
    expect(aboutOf([{ id: '1@s.whatsapp.net', status: { status: null } }])).toBeNull();
    expect(aboutOf([{ id: '1@s.whatsapp.net', status: { status: '' } }])).toBeNull();
    expect(aboutOf([])).toBeNull();
    expect(aboutOf(undefined)).toBeNull();
  });
});
