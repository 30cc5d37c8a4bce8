import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** What /proc says about the processes of a run, and a free port for the next one. */

/** A free TCP port on loopback (bound and released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

// ---- /proc ----

/** USER_HZ: /proc/<pid>/stat counts CPU time in these ticks (100 on every Linux this runs on). */
const TICKS_PER_SECOND = 100;

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Fields of /proc/<pid>/stat after the command name (which may contain spaces). */
function statFields(pid: number): string[] | undefined {
  const text = read(`/proc/${pid}/stat`);
  if (text === undefined) return undefined;
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

/** Parent of every process alive now. */
export function parents(): Map<number, number> {
  const map = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(Number(entry));
    if (fields) map.set(Number(entry), Number(fields[1]));
  }
  return map;
}

/** `pid` and every process below it, alive now. */
export function tree(pid: number, parentOf: Map<number, number>): number[] {
  const children = new Map<number, number[]>();
  for (const [child, parent] of parentOf) {
    const list = children.get(parent) ?? [];
    list.push(child);
    children.set(parent, list);
  }
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.shift()!;
    if (!parentOf.has(next)) continue;
    out.push(next);
    queue.push(...(children.get(next) ?? []));
  }
  return out;
}

/** User + system CPU seconds of one process so far; undefined when it is gone. */
export function cpuOf(pid: number): number | undefined {
  const fields = statFields(pid);
  // utime and stime are fields 14 and 15 of stat, i.e. 11 and 12 after the command name.
  return fields ? (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND : undefined;
}

export function rssOf(pids: number[]): number {
  let rss = 0;
  for (const pid of pids) {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(read(`/proc/${pid}/status`) ?? '');
    if (match) rss += Number(match[1]) * 1024;
  }
  return rss;
}

/** Whole-machine CPU seconds (busy and all) from /proc/stat. */
export function machineCpu(): { busy: number; total: number } {
  const line = (read('/proc/stat') ?? '').split('\n')[0] ?? '';
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest is already counted in user)
  const total = values.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { busy: (total - idle) / TICKS_PER_SECOND, total: total / TICKS_PER_SECOND };
}

export function loadAverage(): number[] {
  return (read('/proc/loadavg') ?? '0 0 0')
    .split(' ')
    .slice(0, 3)
    .map((value) => Number(value));
}

/**
 * CPU seconds by group, accumulated from per-process deltas between samples, so processes that
 * come and go (autovacuum workers, PostgreSQL backends) are counted while they live.
 */
export class CpuAccount {
  private last = new Map<number, number>();
  readonly seconds = new Map<string, number>();

  /** `groups` maps each pid to its group name at this moment. */
  sample(groups: Map<number, string>): void {
    const next = new Map<number, number>();
    for (const [pid, group] of groups) {
      const cpu = cpuOf(pid);
      if (cpu === undefined) continue;
      next.set(pid, cpu);
      const before = this.last.get(pid);
      // A pid first seen now is counted from now on (its earlier CPU is not this window's).
      if (before !== undefined) this.seconds.set(group, (this.seconds.get(group) ?? 0) + cpu - before);
    }
    this.last = next;
  }

  snapshot(): Map<string, number> {
    return new Map(this.seconds);
  }
}

export function machineInfo(): Record<string, string> {
  const cpuinfo = read('/proc/cpuinfo') ?? '';
  const model = /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? '?';
  const cores = (cpuinfo.match(/^processor\s*:/gm) ?? []).length;
  const memTotal = Number(/^MemTotal:\s+(\d+)/m.exec(read('/proc/meminfo') ?? '')?.[1] ?? 0);
  return {
    cpu: `${cores} × ${model}`,
    memory: `${(memTotal / 1024 / 1024).toFixed(1)} GiB`,
    kernel: (read('/proc/sys/kernel/osrelease') ?? '?').trim(),
    node: process.version,
    openFiles: /^Max open files\s+(\S+)/m.exec(read('/proc/self/limits') ?? '')?.[1] ?? '?',
  };
}
