/** A contact card as messages carry it: the name, its numbers, and the vCard itself. */
export interface ContactCard {
  name: string;
  phones: { phone: string; type?: string }[];
  organization?: string;
  vcard: string;
}

/** The vCard WhatsApp shows for a contact sent by its fields. */
export function buildVcard(contact: Omit<ContactCard, 'vcard'>): string {
  const lines = ['BEGIN:VCARD', 'VERSION:3.0', `FN:${escape(contact.name)}`];
  if (contact.organization) lines.push(`ORG:${escape(contact.organization)}`);
  for (const { phone, type } of contact.phones) {
    const digits = phone.replace(/\D/g, '');
    lines.push(`TEL;type=${(type ?? 'CELL').toUpperCase()};waid=${digits}:${phone}`);
  }
  lines.push('END:VCARD');
  return lines.join('\n');
}

function escape(value: string): string {
  return value.replace(/[\\,;]/g, (c) => `\\${c}`).replace(/\n/g, '\\n');
}

/** An inbound contact card: the name, the numbers its vCard lists, and the vCard itself. */
export function readVcard(displayName: string, vcard: string): ContactCard {
  const phones: { phone: string; type?: string }[] = [];
  for (const line of vcard.split(/\r?\n/)) {
    if (!/^(item\d+\.)?TEL/i.test(line)) continue;
    const waid = line.match(/waid=(\d+)/i)?.[1];
    const raw = waid ?? line.slice(line.lastIndexOf(':') + 1).replace(/\D/g, '');
    if (raw)
      phones.push({ phone: `+${raw}`, ...(line.match(/type=([A-Z]+)/i) ? { type: line.match(/type=([A-Z]+)/i)![1].toUpperCase() } : {}) });
  }
  const organization = vcard.match(/^ORG:(.*)$/im)?.[1];
  return { name: displayName || (vcard.match(/^FN:(.*)$/im)?.[1] ?? ''), phones, ...(organization ? { organization } : {}), vcard };
}
