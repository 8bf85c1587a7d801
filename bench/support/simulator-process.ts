import type { ChildProcess } from 'node:child_process';
import { RemoteSimulator, type SimulatorApi } from '../../src/simulator';
import { PROJECT_ROOT, startProcess, stopProcess } from '../../test/support/processes';

export type RemoteSimulatorApi = RemoteSimulator & SimulatorApi;

/** The simulator run as `npm run simulator` on free ports, in a process of its own, and a client of it. */
export interface SimulatorProcess {
  child: ChildProcess;
  sim: RemoteSimulatorApi;
  /** Its control API: what a gateway's SANDBOX_URL points at. */
  controlUrl: string;
  /** Calls `listener` for every message the simulator relays, from the line it prints (`<from> -> <to>: <type>`). */
  onMessage(listener: (message: { from: string; to: string }) => void): void;
  stop(): Promise<void>;
}

/**
 * Starts the simulator in its own process, so that in a benchmark its work (it decrypts every message sent to
 * a simulated contact, encrypts every one it sends) does not share the measured process' CPU time.
 */
export async function startSimulatorProcess(): Promise<SimulatorProcess> {
  const started = await startProcess(
    process.execPath,
    ['-r', '@swc-node/register', 'src/simulator/cli/main.ts', '--port', '0', '--control-port', '0'],
    // The benchmark's way of running the sources (SWC_NODE_SOURCE_MAP_MODE, see package.json) goes to the simulator too.
    { PATH: process.env.PATH, HOME: process.env.HOME, SWC_NODE_SOURCE_MAP_MODE: process.env.SWC_NODE_SOURCE_MAP_MODE },
    /Control API:\s+http:\/\/\S+/,
    { cwd: PROJECT_ROOT, timeoutMs: 120_000 },
  );
  const controlUrl = /Control API:\s+(http:\/\/\S+)/.exec(started.line)![1];
  const sim = await RemoteSimulator.connect(controlUrl);
  const listeners: Array<(message: { from: string; to: string }) => void> = [];
  let partial = '';
  started.child.stdout!.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const match = /^(\d+) -> (\d+):/.exec(line);
      if (match) for (const listener of listeners) listener({ from: match[1], to: match[2] });
    }
  });
  return {
    child: started.child,
    sim,
    controlUrl,
    onMessage: (listener) => listeners.push(listener),
    stop: async () => {
      await sim.close();
      await stopProcess(started.child);
    },
  };
}
