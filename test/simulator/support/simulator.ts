import { WhatsAppSimulator, type SimulatorOptions } from '../../../src/simulator';

/**
 * A started simulator. A request it does not model fails the test file: each one is recorded, and stopping the
 * simulator (every file does, last) throws if there was any.
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<WhatsAppSimulator> {
  const sim = new WhatsAppSimulator(options);
  const unhandled: string[] = [];
  sim.on('unhandled', ({ request }) => unhandled.push(request));
  const stop = sim.stop.bind(sim);
  sim.stop = async () => {
    await stop();
    if (unhandled.length > 0) throw new Error(`the simulator was sent requests it does not model: ${unhandled.join('; ')}`);
  };
  await sim.start();
  return sim;
}
