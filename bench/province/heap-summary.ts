import { readFileSync } from 'node:fs';

/**
 * Where a process's heap goes, from a V8 heap snapshot (`node --heapsnapshot-signal=SIGUSR2`, then
 * `kill -USR2 <pid>`): self size and count per node type and constructor name, largest first,
 * divided by `per` (the sessions held) so that a gateway worker's snapshot reads as bytes a
 * session. Native memory outside V8's heap (the kernel's sockets, libuv handles, malloc'd
 * ArrayBuffer stores) appears only where V8 accounts for it ("system / JSArrayBufferData").
 *
 *   npx tsx bench/province/heap-summary.ts worker.heapsnapshot [per] [top]
 */
interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

const [file, perText = '1', topText = '30'] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: heap-summary.ts FILE.heapsnapshot [per] [top]\n');
  process.exit(2);
}
const per = Number(perText);
const snap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
const fields = snap.snapshot.meta.node_fields;
const types = snap.snapshot.meta.node_types[0];
const width = fields.length;
const [TYPE, NAME, SIZE] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [
  number,
  number,
  number,
];
const groups = new Map<string, { bytes: number; count: number }>();
let total = 0;
for (let i = 0; i < snap.nodes.length; i += width) {
  const type = types[snap.nodes[i + TYPE]!]!;
  const name =
    type === 'object' || type === 'native' || type === 'closure' ? snap.strings[snap.nodes[i + NAME]!]! : '';
  const key = `${type}${name ? ` ${name.slice(0, 60)}` : ''}`;
  const size = snap.nodes[i + SIZE]!;
  total += size;
  const group = groups.get(key) ?? { bytes: 0, count: 0 };
  group.bytes += size;
  group.count++;
  groups.set(key, group);
}
const top = [...groups].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, Number(topText));
process.stdout.write(`total ${(total / 2 ** 20).toFixed(1)} MiB, ${(total / per).toFixed(0)} B per ${per}\n`);
process.stdout.write('| node | count / per | bytes / per |\n| --- | ---: | ---: |\n');
for (const [key, { bytes, count }] of top)
  process.stdout.write(`| ${key} | ${(count / per).toFixed(2)} | ${(bytes / per).toFixed(0)} |\n`);
