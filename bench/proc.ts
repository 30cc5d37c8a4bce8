import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/**
 * What the benchmarks read from /proc: process trees, resident memory, CPU time (per process, per
 * group of processes that come and go, the whole machine's), the kernel's socket and slab memory,
 * TCP counters, the limits that bound connection counts and the machine's description. Linux only.
 * The one place that parses these files: every benchmark imports it.
 */

/** Open sockets of a process (entries of /proc/<pid>/fd that are sockets). */
export function socketsOf(pid: number): number {
  let count = 0;
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:')) count++;
      } catch {}
    }
  } catch {}
  return count;
}

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

/** `pid` and every process below it, in `parentOf` (a snapshot from parents()). */
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

/** `pid` and every process below it (children, grandchildren), alive now. */
export function processTree(pid: number): number[] {
  return tree(pid, parents());
}

/** The command name of a process (as in /proc/<pid>/stat, at most 15 characters); undefined once it is gone. */
export function commandNameOf(pid: number): string | undefined {
  const text = read(`/proc/${pid}/stat`);
  return text === undefined ? undefined : text.slice(text.indexOf('(') + 1, text.lastIndexOf(')'));
}

/** The command line of a process, its arguments joined by spaces; undefined once it is gone. */
export function commandLineOf(pid: number): string | undefined {
  return read(`/proc/${pid}/cmdline`)?.replaceAll('\0', ' ');
}

export interface Memory {
  /** Sum of VmRSS over the processes, bytes (shared pages such as node's text count once per process). */
  rss: number;
  /** Sum of RssAnon (heap, stacks, malloc: what grows with connections), bytes. */
  rssAnon: number;
  processes: number;
}

export function memoryOf(pids: number[]): Memory {
  let rss = 0;
  let rssAnon = 0;
  let processes = 0;
  for (const pid of pids) {
    const status = read(`/proc/${pid}/status`);
    if (status === undefined) continue;
    processes++;
    rss += kbField(status, 'VmRSS') * 1024;
    rssAnon += kbField(status, 'RssAnon') * 1024;
  }
  return { rss, rssAnon, processes };
}

function kbField(text: string, name: string): number {
  const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text);
  return match ? Number(match[1]) : 0;
}

/** Resident memory (VmRSS) of the processes together, bytes. */
export function rssOf(pids: number[]): number {
  return memoryOf(pids).rss;
}

/** User + system CPU seconds of one process so far; undefined when it is gone. */
export function cpuOf(pid: number): number | undefined {
  const fields = statFields(pid);
  // utime and stime are fields 14 and 15 of stat, i.e. 11 and 12 after the command name.
  return fields ? (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND : undefined;
}

/** User + system CPU seconds the processes have used so far. */
export function cpuSeconds(pids: number[]): number {
  let seconds = 0;
  for (const pid of pids) seconds += cpuOf(pid) ?? 0;
  return seconds;
}

/** The parent of a process, undefined once it is gone. */
export function parentOf(pid: number): number | undefined {
  const fields = statFields(pid);
  return fields ? Number(fields[1]) : undefined;
}

/**
 * CPU seconds of the children a process has waited for (cutime + cstime): a server that forks a
 * process per connection (PostgreSQL's postmaster) accumulates here what its exited backends used.
 */
export function reapedChildrenCpuSeconds(pid: number): number {
  const fields = statFields(pid);
  // cutime and cstime are fields 16 and 17 of stat, i.e. 13 and 14 after the command name.
  return fields ? (Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND : 0;
}

/** CPU seconds per process, to take deltas over a window for a set of processes that stays alive. */
export function cpuByPid(pids: number[]): Map<number, number> {
  return new Map(pids.map((pid) => [pid, cpuSeconds([pid])]));
}

export function cpuDelta(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, seconds] of after) total += seconds - (before.get(pid) ?? seconds);
  return total;
}

export interface Kernel {
  /** /proc/net/sockstat TCP "mem": pages of socket buffers charged to TCP. */
  tcpMemPages: number;
  /** TCP sockets allocated (sockstat "alloc") and in use. */
  tcpAlloc: number;
  tcpInUse: number;
  tcpTimeWait: number;
  /** /proc/meminfo Slab (reclaimable + unreclaimable), bytes. Shared machine: other jobs move it too. */
  slab: number;
  /** Bytes in the slab caches a TCP socket and its file take (see SOCKET_CACHES). */
  socketCaches: number;
  memAvailable: number;
}

/**
 * Slab caches that grow by one or more objects per TCP socket held by a process: the socket itself,
 * its inode, its struct file and dentry, its epoll registration.
 */
export const SOCKET_CACHES = ['TCP', 'sock_inode_cache', 'filp', 'dentry', 'eventpoll_epi'];

export function kernel(): Kernel {
  const sockstat = read('/proc/net/sockstat') ?? '';
  const tcp = /^TCP: inuse (\d+) orphan \d+ tw (\d+) alloc (\d+) mem (\d+)/m.exec(sockstat);
  const meminfo = read('/proc/meminfo') ?? '';
  const slabinfo = read('/proc/slabinfo') ?? '';
  let socketCaches = 0;
  for (const line of slabinfo.split('\n')) {
    const [name, , objects, size] = line.split(/\s+/);
    if (name && SOCKET_CACHES.includes(name)) socketCaches += Number(objects) * Number(size);
  }
  return {
    tcpMemPages: Number(tcp?.[4] ?? 0),
    tcpAlloc: Number(tcp?.[3] ?? 0),
    tcpInUse: Number(tcp?.[1] ?? 0),
    tcpTimeWait: Number(tcp?.[2] ?? 0),
    slab: kbField(meminfo, 'Slab') * 1024,
    socketCaches,
    memAvailable: kbField(meminfo, 'MemAvailable') * 1024,
  };
}

/** TcpExt and Tcp counters from /proc/net/netstat and /proc/net/snmp that show accept-queue trouble. */
const WATCHED = [
  'TcpExt.ListenOverflows',
  'TcpExt.ListenDrops',
  'TcpExt.TCPReqQFullDoCookies',
  'TcpExt.TCPReqQFullDrop',
  'TcpExt.SyncookiesSent',
  'TcpExt.TCPAbortOnMemory',
  'TcpExt.TCPMemoryPressures',
  'Tcp.AttemptFails',
  'Tcp.EstabResets',
  'Tcp.RetransSegs',
];

export function tcpCounters(): Record<string, number> {
  const counters: Record<string, number> = {};
  for (const file of ['/proc/net/netstat', '/proc/net/snmp']) {
    const lines = (read(file) ?? '').split('\n');
    for (let i = 0; i + 1 < lines.length; i += 2) {
      const names = lines[i]!.split(/\s+/);
      const values = lines[i + 1]!.split(/\s+/);
      const prefix = names[0]!.replace(':', '');
      for (let j = 1; j < names.length; j++) {
        const key = `${prefix}.${names[j]}`;
        if (WATCHED.includes(key)) counters[key] = Number(values[j]);
      }
    }
  }
  return counters;
}

export function counterDelta(before: Record<string, number>, after: Record<string, number>) {
  const delta: Record<string, number> = {};
  for (const key of Object.keys(after)) delta[key] = after[key]! - (before[key] ?? 0);
  return delta;
}

/** The limits that bound how many connections this box can hold, as they are now. */
export function limits(): Record<string, string> {
  const self = read('/proc/self/limits') ?? '';
  const files = /^Max open files\s+(\S+)\s+(\S+)/m.exec(self);
  const sys = (path: string) => (read(`/proc/sys/${path}`) ?? '?').trim().replace(/\s+/g, ' ');
  return {
    'open files (soft)': files?.[1] ?? '?',
    'open files (hard)': files?.[2] ?? '?',
    'fs.file-max': sys('fs/file-max'),
    'fs.nr_open': sys('fs/nr_open'),
    'net.ipv4.ip_local_port_range': sys('net/ipv4/ip_local_port_range'),
    'net.core.somaxconn': sys('net/core/somaxconn'),
    'net.ipv4.tcp_max_syn_backlog': sys('net/ipv4/tcp_max_syn_backlog'),
    'net.ipv4.tcp_syncookies': sys('net/ipv4/tcp_syncookies'),
    'net.ipv4.tcp_mem': sys('net/ipv4/tcp_mem'),
    'net.ipv4.tcp_max_orphans': sys('net/ipv4/tcp_max_orphans'),
    'net.netfilter.nf_conntrack_max': sys('net/netfilter/nf_conntrack_max'),
    'net.netfilter.nf_conntrack_count': sys('net/netfilter/nf_conntrack_count'),
  };
}

/** This process's soft limit of open files, which the processes it starts inherit. */
export function openFileLimit(): number {
  const soft = /^Max open files\s+(\d+)/m.exec(read('/proc/self/limits') ?? '')?.[1];
  return soft === undefined ? 1024 : Number(soft);
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

/** The machine a run measured: CPU, memory, kernel and node. */
function machineBasics(): Record<string, string> {
  const cpuinfo = read('/proc/cpuinfo') ?? '';
  const model = /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? '?';
  const cores = (cpuinfo.match(/^processor\s*:/gm) ?? []).length;
  const memTotal = kbField(read('/proc/meminfo') ?? '', 'MemTotal');
  return {
    cpu: `${cores} × ${model}`,
    memory: `${(memTotal / 1024 / 1024).toFixed(1)} GiB`,
    kernel: (read('/proc/sys/kernel/osrelease') ?? '?').trim(),
    node: process.version,
  };
}

/** The machine and its load average now (the gateway and sign-in reports). */
export function machine(): Record<string, string> {
  return { ...machineBasics(), loadavg: (read('/proc/loadavg') ?? '?').split(' ').slice(0, 3).join(' ') };
}

/** The machine and this process's soft limit of open files (the ingest, API and track reports). */
export function machineInfo(): Record<string, string> {
  return {
    ...machineBasics(),
    openFiles: /^Max open files\s+(\S+)/m.exec(read('/proc/self/limits') ?? '')?.[1] ?? '?',
  };
}
