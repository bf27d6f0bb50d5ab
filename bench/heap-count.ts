// Compares heap snapshots (from bench/creep.ts with CREEP_SNAPSHOTS=1) by constructor: objects and self bytes that
// grew from the first snapshot to the last. `node --import tsx bench/heap-count.ts a.heapsnapshot … z.heapsnapshot`.
// With HEAP_TIMERS=1 it also lists the live Timeout objects of the last snapshot by delay and callback.
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

function load(path: string) {
  const s = JSON.parse(readFileSync(path, 'utf8')) as Snapshot;
  const nf = s.snapshot.meta.node_fields;
  const ef = s.snapshot.meta.edge_fields;
  const N = nf.length;
  const E = ef.length;
  const [iType, iName, iSize, iEdges] = ['type', 'name', 'self_size', 'edge_count'].map((f) => nf.indexOf(f)) as [number, number, number, number];
  const [eType, eName, eTo] = ['type', 'name_or_index', 'to_node'].map((f) => ef.indexOf(f)) as [number, number, number];
  const types = s.snapshot.meta.node_types[0];
  const etypes = s.snapshot.meta.edge_types[0];
  const byName = new Map<string, { n: number; bytes: number }>();
  const firstEdge: number[] = [];
  let e = 0;
  for (let i = 0; i < s.nodes.length; i += N) {
    firstEdge.push(e);
    e += s.nodes[i + iEdges]! * E;
    const t = types[s.nodes[i + iType]!]!;
    const key = `${t}:${t === 'object' || t === 'closure' || t === 'native' ? s.strings[s.nodes[i + iName]!] : ''}`;
    const c = byName.get(key) ?? { n: 0, bytes: 0 };
    c.n += 1;
    c.bytes += s.nodes[i + iSize]!;
    byName.set(key, c);
  }
  const props = (node: number) => {
    const out: Record<string, number> = {};
    const start = firstEdge[node / N]!;
    for (let k = 0; k < s.nodes[node + iEdges]!; k += 1) {
      const at = start + k * E;
      const et = etypes[s.edges[at + eType]!];
      if (et === 'property' || et === 'internal' || et === 'context') out[s.strings[s.edges[at + eName]!]!] = s.edges[at + eTo]!;
    }
    return out;
  };
  const name = (node: number) => s.strings[s.nodes[node + iName]!]!;
  const timers = () => {
    const out = new Map<string, number>();
    for (let i = 0; i < s.nodes.length; i += N) {
      if (types[s.nodes[i + iType]!] !== 'object' || name(i) !== 'Timeout') continue;
      const p = props(i);
      const delay = p._idleTimeout !== undefined ? name(p._idleTimeout) : '?';
      const cb = p._onTimeout !== undefined ? name(p._onTimeout) : '?';
      const fn = p._onTimeout !== undefined ? props(p._onTimeout) : {};
      const shared = fn.shared !== undefined ? props(fn.shared) : {};
      const script = shared.script !== undefined ? props(shared.script) : {};
      const where = script.name !== undefined ? name(script.name) : '';
      const key = `${delay} ms  ${cb || '(anonymous)'}  ${where}`;
      out.set(key, (out.get(key) ?? 0) + 1);
    }
    return out;
  };
  return { byName, timers };
}

const paths = process.argv.slice(2);
const snaps = paths.map(load);
const first = snaps[0]!.byName;
const last = snaps.at(-1)!.byName;
const rows = [...last.entries()]
  .map(([k, v]) => ({ k, counts: snaps.map((s) => s.byName.get(k)?.n ?? 0), dBytes: v.bytes - (first.get(k)?.bytes ?? 0) }))
  .filter((r) => r.counts.at(-1)! - r.counts[0]! > 0)
  .sort((a, b) => b.dBytes - a.dBytes)
  .slice(0, Number(process.env.HEAP_TOP ?? 40));
for (const r of rows) console.log(`${(r.dBytes / 1024).toFixed(0).padStart(8)} KB  ${r.counts.join(' → ').padEnd(30)}  ${r.k}`);
if (process.env.HEAP_TIMERS === '1') for (const [k, n] of snaps.at(-1)!.timers()) console.log(`${String(n).padStart(5)}  ${k}`);
