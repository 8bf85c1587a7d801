import { WhatsAppSimulator, type SimulatorOptions } from '../../../src/simulator';

export async function startSimulator(options: SimulatorOptions = {}): Promise<WhatsAppSimulator> {
  const sim = new WhatsAppSimulator(options);
  await sim.start();
  return sim;
}
