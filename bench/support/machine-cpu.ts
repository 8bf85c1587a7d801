import fs from 'node:fs';
import os from 'node:os';

/**
 * Where the machine's CPU went during a benchmark, process by process, from Linux's /proc: the gateway's process
 * (this one), the simulator's, the benchmark's load when it runs in a process of its own, PostgreSQL's (every backend, and those that exited, through the postmaster's
 * children's time), Redis', and the rest of the machine. On a machine of a few cores these share one budget, so
 * a ceiling that one process cannot reach alone shows here as the sum of them all. Empty elsewhere than Linux.
 */
export interface MachineCpu {
  /** CPU milliseconds per part over the measured window. */
  ms: { gateway: number; simulator: number; load?: number; postgres: number; redis: number; rest: number };
  /** The share of what the machine's cores could give over the window (cores × wall time) that all parts took. */
  busyShare: number;
}

type Part = 'gateway' | 'simulator' | 'load' | 'postgres' | 'redis';
type Pids = { simulator: number | undefined; load: number | undefined };

interface Snapshot {
  at: number;
  machineBusy: number;
  /** Each process of a part by pid: its own CPU ticks, and those of the children it reaped. */
  processes: Map<number, { part: Part; own: number; children: number }>;
}

/** Linux' USER_HZ, the unit of /proc's CPU times: 100 on every architecture Node runs on. */
const TICK_MS = 10;

/**
 * Starts measuring; the result's `stop()` gives what each part spent since. Undefined off Linux. `loadPid` is the
 * process of the benchmark's load, when it has one (its figure is left out otherwise).
 */
export function measureMachineCpu(simulatorPid: number | undefined, loadPid?: number): { stop(): MachineCpu } | undefined {
  if (!fs.existsSync('/proc/stat')) return undefined;
  const pids: Pids = { simulator: simulatorPid, load: loadPid };
  const before = snapshot(pids);
  return {
    stop: () => {
      const after = snapshot(pids);
      const ticks: Record<Part, number> = { gateway: 0, simulator: 0, load: 0, postgres: 0, redis: 0 };
      for (const [pid, now] of after.processes) {
        const then = before.processes.get(pid);
        // A process born during the window spent all its time in it; a reaped child's lifetime lands in its
        // parent's children's time, of which the part before the window is taken off below.
        ticks[now.part] += now.own - (then?.own ?? 0) + now.children - (then?.children ?? 0);
      }
      for (const [pid, then] of before.processes) if (!after.processes.has(pid)) ticks[then.part] -= then.own;
      const ms = {
        gateway: ticks.gateway * TICK_MS,
        simulator: ticks.simulator * TICK_MS,
        ...(loadPid === undefined ? {} : { load: ticks.load * TICK_MS }),
        postgres: Math.max(0, ticks.postgres) * TICK_MS,
        redis: ticks.redis * TICK_MS,
        rest: 0,
      };
      const busy = (after.machineBusy - before.machineBusy) * TICK_MS;
      ms.rest = Math.max(0, busy - ms.gateway - ms.simulator - (ms.load ?? 0) - ms.postgres - ms.redis);
      return { ms, busyShare: Number((busy / (os.cpus().length * (after.at - before.at))).toFixed(2)) };
    },
  };
}

/** One line of figures per message: `gateway 5.1, simulator 3.2, PostgreSQL 3.7, Redis 0.5, rest 0.4 ms`. */
export function perMessage(cpu: MachineCpu, messages: number): MachineCpu['ms'] {
  const per = (value: number) => Number((value / messages).toFixed(2));
  return {
    gateway: per(cpu.ms.gateway),
    simulator: per(cpu.ms.simulator),
    ...(cpu.ms.load === undefined ? {} : { load: per(cpu.ms.load) }),
    postgres: per(cpu.ms.postgres),
    redis: per(cpu.ms.redis),
    rest: per(cpu.ms.rest),
  };
}

export function describePerMessage(figures: MachineCpu['ms']): string {
  const total = Number(
    Object.values(figures)
      .reduce((sum, value) => sum + value, 0)
      .toFixed(2),
  );
  return (
    `gateway ${figures.gateway}, simulator ${figures.simulator}, ` +
    (figures.load === undefined ? '' : `the benchmark's load ${figures.load}, `) +
    `PostgreSQL ${figures.postgres}, Redis ${figures.redis}, ` +
    `rest of the machine ${figures.rest}; ${total} ms in all`
  );
}

function snapshot(pids: Pids): Snapshot {
  const processes: Snapshot['processes'] = new Map();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (!stat) continue;
    const part = partOf(stat, pids);
    // The gateway's and the simulator's children (a pg_dump, a shell) are not theirs to count.
    if (part) processes.set(stat.pid, { part, own: stat.own, children: part === 'postgres' ? stat.children : 0 });
  }
  return { at: Date.now(), machineBusy: machineBusy(), processes };
}

function partOf(stat: { pid: number; comm: string }, pids: Pids): Part | undefined {
  if (stat.pid === process.pid) return 'gateway';
  if (stat.pid === pids.simulator) return 'simulator';
  if (stat.pid === pids.load) return 'load';
  if (stat.comm === 'postgres') return 'postgres';
  if (stat.comm === 'redis-server') return 'redis';
  return undefined;
}

function readStat(pid: number): { pid: number; comm: string; own: number; children: number } | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // exited meanwhile
  }
  // `pid (comm) state ppid …`: comm may hold spaces and parentheses, so it ends at the last ')'.
  const close = text.lastIndexOf(')');
  const comm = text.slice(text.indexOf('(') + 1, close);
  const fields = text.slice(close + 2).split(' ');
  // fields[0] is field 3 (state): utime, stime, cutime, cstime are fields 14 to 17.
  const [utime, stime, cutime, cstime] = fields.slice(11, 15).map(Number);
  return { pid, comm, own: utime + stime, children: cutime + cstime };
}

/** Ticks every core spent running anything since boot (not idling, waiting for I/O, or taken by the host). */
function machineBusy(): number {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
  const [user, nice, system, , , irq, softirq] = line.split(/\s+/).slice(1).map(Number);
  return user + nice + system + irq + softirq;
}
