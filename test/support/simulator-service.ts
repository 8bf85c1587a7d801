import type { ChildProcess } from 'node:child_process';
import { PROJECT_ROOT, startProcess } from './processes';

export interface SimulatorService {
  child: ChildProcess;
  /** The control API (SANDBOX_URL for the gateways). */
  controlUrl: string;
  /** What the process printed so far (its warnings: undecryptable messages, unhandled requests). */
  output: () => string;
}

/**
 * `npm run simulator` in a process of its own, on free ports, with its network in `stateFile` when given and
 * further command-line options (`--realistic`…) in `args`.
 */
export async function startSimulatorService(stateFile?: string, args: string[] = []): Promise<SimulatorService> {
  const state = [...(stateFile ? ['--state', stateFile] : []), ...args];
  const started = await startProcess(
    process.execPath,
    ['-r', '@swc-node/register', 'src/simulator/cli/main.ts', '--port', '0', '--control-port', '0', ...state],
    { PATH: process.env.PATH, HOME: process.env.HOME },
    /Control API:\s+http:\/\/\S+/,
    { cwd: PROJECT_ROOT, timeoutMs: 120_000 },
  );
  return { child: started.child, controlUrl: /Control API:\s+(http:\/\/\S+)/.exec(started.line)![1], output: started.output };
}
