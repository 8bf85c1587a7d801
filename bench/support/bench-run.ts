import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';

/** The value after `--<name>` on the command line, if given. */
export function textOption(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : undefined;
}

/** The number after `--<name>` on the command line, or `fallback`. */
export function option(name: string, fallback: number): number {
  const value = textOption(name);
  return value === undefined ? fallback : Number(value);
}

/** Runs `work` under the V8 CPU profiler when a file is given (open the file in Chrome's DevTools). */
export async function profiled<T>(file: string | undefined, work: () => Promise<T>): Promise<T> {
  if (!file) return work();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    fs.writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  }
}

/**
 * Fails unless this process runs with the Node flags the gateway is deployed with (`start:prod` in package.json,
 * as the image runs it: a 64 MB young generation), for the benchmarks whose gateway runs in their own process.
 * Without them a bench measured a gateway nobody runs: more of each request promoted, more mark-compacts.
 */
export function assertDeploymentNodeFlags(): void {
  const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const flags = manifest.scripts['start:prod'].split(/\s+/).filter((word) => word.startsWith('--'));
  const missing = flags.filter((flag) => !process.execArgv.includes(flag));
  if (missing.length > 0)
    throw new Error(`run the benchmark with the gateway's deployed Node flags: node ${missing.join(' ')} (start:prod)`);
}
