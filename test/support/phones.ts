let phoneSeq = 0;

/** A fresh simulated phone number per call, distinct across files running in parallel. */
export function newPhone(): string {
  phoneSeq++;
  return `+1555${String(process.pid % 1000).padStart(3, '0')}${String(phoneSeq).padStart(4, '0')}`;
}

/** The digits of a phone number: how the simulator names its phones. */
export function digits(phone: string): string {
  return phone.replace(/\D/g, '');
}
