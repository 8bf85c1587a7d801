import { type ChildProcess, fork } from 'node:child_process';

/**
 * A benchmark's helper process (a load, a client), running a TypeScript file of bench/support through the same
 * loader as the benchmark, and its messages one at a time: `next()` resolves with the next one, and fails if the
 * process ends first. `ask(message)` sends one and resolves with the process' answer, or fails with the process'
 * `{ failed }` answer. `name` says whose process it is in those failures.
 */
export function forkBenchProcess<T>(
  file: string,
  name: string,
): { child: ChildProcess; next: () => Promise<T>; ask: (message: unknown) => Promise<Exclude<T, { failed: string }>> } {
  const child = fork(file, [], {
    execArgv: ['-r', '@swc-node/register'],
    env: { ...process.env, SWC_NODE_SOURCE_MAP_MODE: 'inline' },
  });
  const next = () =>
    new Promise<T>((resolve, reject) => {
      const exited = (code: number | null) => reject(new Error(`${name}'s process ended (code ${code})`));
      child.once('exit', exited);
      child.once('message', (message) => {
        child.off('exit', exited);
        resolve(message as T);
      });
    });
  const ask = async (message: unknown) => {
    const answer = next();
    child.send(message as object);
    const result = await answer;
    if (typeof result === 'object' && result !== null && 'failed' in result) throw new Error(`${name} failed: ${String(result.failed)}`);
    return result as Exclude<T, { failed: string }>;
  };
  return { child, next, ask };
}
