import fs from 'node:fs';
import os from 'node:os';

/**
 * Where the machine's CPU went during a benchmark, process by process, from Linux's /proc: the gateway's process
 * (this one), the simulator's, PostgreSQL's (every backend, and those that exited, through the postmaster's
 * children's time), Redis', and the rest of the machine. On a machine of a few cores these share one budget, so
 * a ceiling that one process cannot reach alone shows here as the sum of them all. Empty elsewhere than Linux.
 */
export interface MachineCpu {
  /** CPU milliseconds per part over the measured window. */
  ms: { gateway: number; simulator: number; postgres: number; redis: number; rest: number };
  /** The share of what the machine's cores could give over the window (cores × wall time) that all parts took. */
  busyShare: number;
}

type Part = 'gateway' | 'simulator' | 'postgres' | 'redis';

interface Snapshot {
  at: number;
  machineBusy: number;
  /** Each process of a part by pid: its own CPU ticks, and those of the children it reaped. */
  processes: Map<number, { part: Part; own: number; children: number }>;
}

/** Linux' USER_HZ, the unit of /proc's CPU times: 100 on every architecture Node runs on. */
const TICK_MS = 10;

/** Starts measuring; the result's `stop()` gives what each part spent since. Undefined off Linux. */
export function measureMachineCpu(simulatorPid: number | undefined): { stop(): MachineCpu } | undefined {
  if (!fs.existsSync('/proc/stat')) return undefined;
  const before = snapshot(simulatorPid);
  return {
    stop: () => {
      const after = snapshot(simulatorPid);
      const ticks: Record<Part, number> = { gateway: 0, simulator: 0, postgres: 0, redis: 0 };
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
        postgres: Math.max(0, ticks.postgres) * TICK_MS,
        redis: ticks.redis * TICK_MS,
        rest: 0,
      };
      const busy = (after.machineBusy - before.machineBusy) * TICK_MS;
      ms.rest = Math.max(0, busy - ms.gateway - ms.simulator - ms.postgres - ms.redis);
      return { ms, busyShare: Number((busy / (os.cpus().length * (after.at - before.at))).toFixed(2)) };
    },
  };
}

/** One line of figures per message: `gateway 5.1, simulator 3.2, PostgreSQL 3.7, Redis 0.5, rest 0.4 ms`. */
export function perMessage(cpu: MachineCpu, messages: number): Record<keyof MachineCpu['ms'], number> {
  const per = (value: number) => Number((value / messages).toFixed(2));
  return {
    gateway: per(cpu.ms.gateway),
    simulator: per(cpu.ms.simulator),
    postgres: per(cpu.ms.postgres),
    redis: per(cpu.ms.redis),
    rest: per(cpu.ms.rest),
  };
}

export function describePerMessage(figures: Record<keyof MachineCpu['ms'], number>): string {
  const total = Number(
    Object.values(figures)
      .reduce((sum, value) => sum + value, 0)
      .toFixed(2),
  );
  return (
    `gateway ${figures.gateway}, simulator ${figures.simulator}, PostgreSQL ${figures.postgres}, Redis ${figures.redis}, ` +
    `rest of the machine ${figures.rest}; ${total} ms in all`
  );
}

function snapshot(simulatorPid: number | undefined): Snapshot {
  const processes: Snapshot['processes'] = new Map();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (!stat) continue;
    const part = partOf(stat, simulatorPid);
    // The gateway's and the simulator's children (a pg_dump, a shell) are not theirs to count.
    if (part) processes.set(stat.pid, { part, own: stat.own, children: part === 'postgres' ? stat.children : 0 });
  }
  return { at: Date.now(), machineBusy: machineBusy(), processes };
}

function partOf(stat: { pid: number; comm: string }, simulatorPid: number | undefined): Part | undefined {
  if (stat.pid === process.pid) return 'gateway';
  if (stat.pid === simulatorPid) return 'simulator';
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
