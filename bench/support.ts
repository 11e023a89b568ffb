/** Shared helpers of the bench and eval scripts: temporary catalogs, papers, metrics, output. */
import Database from 'better-sqlite3';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createApp, type App } from '../src/app.js';
import type { Paper } from '../src/catalog/paper.js';
import { importSource } from '../src/catalog/import.js';
import { openFileSource } from '../src/ingest/formats.js';

/** A real app on a fresh SQLite file in a temporary folder, removed by `cleanup`. */
export function tempCatalog(): App & { cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'paperfeed-bench-'));
  const app = createApp({ dbFile: join(dir, 'paperfeed.db'), port: 0 });
  return { ...app, cleanup: () => { app.close(); rmSync(dir, { recursive: true, force: true }); } };
}

/** A paper for a test collection that has no arXiv record. */
export function collectionPaper(fields: { id: string; title: string; abstract: string; authors?: string[]; published?: string }): Paper {
  const published = fields.published ?? '2000-01-01T00:00:00.000Z';
  return {
    id: fields.id, title: fields.title, abstract: fields.abstract, authors: (fields.authors ?? []).map((name) => ({ name })),
    categories: [], withdrawn: false, versions: [], published, updated: published, provenance: {}, sources: [],
  };
}

/** Writes papers in batches, and waits until the full-text index has them all. */
export async function writePapers(app: App, papers: readonly Paper[]): Promise<void> {
  for (let i = 0; i < papers.length; i += 2000) await app.store.writeBatch({ papers: papers.slice(i, i + 2000), absorbed: [], signals: [], fingerprints: [] });
  // Otherwise the first queries that FTS5 answers would see part of the collection.
  await app.store.settle();
}

/** Imports a folder of daily listings (`daily-jsonl`). */
export async function importDaily(app: App, dir: string): Promise<number> {
  const { files, open } = await openFileSource('daily-jsonl', [dir]);
  return (await importSource(app.store, open(files))).added;
}

/** Average precision of a ranking given the relevant ids. */
export function averagePrecision(ranking: readonly string[], relevant: ReadonlySet<string>): number {
  if (relevant.size === 0) return 0;
  let hits = 0;
  let sum = 0;
  ranking.forEach((id, i) => {
    if (relevant.has(id)) { hits += 1; sum += hits / (i + 1); }
  });
  return sum / relevant.size;
}

/**
 * NDCG at k with graded gains and the discount 1/log2(max(2, rank)): ranks 1 and 2 weigh 1, rank
 * 3 weighs 1/log2(3), and so on.
 */
export function ndcg(ranking: readonly string[], grades: ReadonlyMap<string, number>, k: number): number {
  const dcg = (gains: number[]) => gains.slice(0, k).reduce((sum, gain, i) => sum + gain / Math.log2(Math.max(2, i + 1)), 0);
  const ideal = dcg([...grades.values()].sort((a, b) => b - a));
  return ideal > 0 ? dcg(ranking.map((id) => grades.get(id) ?? 0)) / ideal : 0;
}

export const mean = (values: readonly number[]) => values.reduce((sum, x) => sum + x, 0) / Math.max(1, values.length);
export const round4 = (value: number) => Math.round(value * 1e4) / 1e4;

/** Queries of the kinds people type: topics, phrases, prefixes, exclusions, broad single words. */
export const SEARCH_QUERIES = [
  'large language models', 'block diffusion', '"diffusion models"', 'quantiz*', 'reinforcement learning from human feedback',
  'vision transformer -video', 'graph neural networks', 'retrieval augmented generation', 'speculative decoding', 'learning',
  'mixture of experts', 'protein structure prediction', 'federated learning privacy', 'ti:benchmark', 'au:wang',
  'chain of thought reasoning', 'autonomous driving', 'text to image', 'kv cache compression', 'robot manipulation',
];

/**
 * Median and 99th percentile latency of `run` over `rounds` passes of {@link SEARCH_QUERIES}, with
 * `clients` callers at once, after one untimed pass: the steady state of a server that has
 * answered a few queries. A fresh process compiles its search loops during its first queries
 * (at 1M papers, each query's first run took up to 60 ms, against 5–12 ms after), which with
 * 60 timed queries was the whole p99.
 */
export async function queryLatency(run: (query: string) => Promise<unknown> | unknown, rounds: number, clients: number): Promise<{ p50_ms: number; p99_ms: number }> {
  for (const query of SEARCH_QUERIES) await run(query);
  const times: number[] = [];
  const work = Array.from({ length: rounds }, () => SEARCH_QUERIES).flat();
  const caller = async () => {
    for (let query = work.pop(); query !== undefined; query = work.pop()) {
      const started = performance.now();
      await run(query);
      times.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: clients }, caller));
  times.sort((a, b) => a - b);
  const pick = (q: number) => Math.round(times[Math.min(times.length - 1, Math.floor(q * times.length))]! * 100) / 100;
  return { p50_ms: pick(0.5), p99_ms: pick(0.99) };
}

/** Bytes on disk of the SQLite files in a folder once each write-ahead log is folded in; the databases must be closed. */
export function sqliteBytes(dir: string): number {
  for (const name of readdirSync(dir).filter((file) => file.endsWith('.db'))) {
    const db = new Database(join(dir, name));
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
  }
  return readdirSync(dir).reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
}

/** Prints one JSON line (a figure). */
export const emit = (figure: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(figure)}\n`);

/**
 * Grows a catalog to `target` papers by deterministic variants of the papers it holds: variant
 * g of paper p has the id `p~g`, the same title, authors and categories, and its abstract
 * without every word whose FNV-1a hash of (g, p, position) is 0 mod 10. Word statistics stay
 * those of real abstracts, while no two variants are identical (so top-k ties stay rare).
 */
export async function growCatalog(app: App, target: number): Promise<number> {
  // Rowids run from 1, with gaps where an import merged papers; the slack covers the gaps.
  const count = await app.store.countPapers();
  const originals = [...(await app.searchStore.papersByRowids(Array.from({ length: 2 * count }, (_, i) => i + 1))).values()];
  let papers = originals.length;
  for (let variant = 1; papers < target; variant += 1) {
    const batch: Paper[] = [];
    for (const paper of originals) {
      if (papers + batch.length >= target) break;
      const words = paper.abstract.split(' ');
      const abstract = words.filter((_, i) => fnv1a(`${variant}|${paper.id}|${i}`) % 10 !== 0).join(' ');
      batch.push({ ...paper, id: `${paper.id}~${variant}`, abstract });
    }
    await writePapers(app, batch);
    papers += batch.length;
  }
  await app.store.settle();
  return papers;
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

/** Topic follows for the digest and "For you" benches: common arXiv themes, one phrase query. */
export const BENCH_TOPICS = [
  'large language models', 'diffusion', 'reinforcement learning', 'vision language models', 'segmentation', 'benchmark',
  'agents', 'reasoning', 'gaussian splatting', 'video generation', 'graph neural networks', 'robot manipulation',
  'medical imaging', '"retrieval augmented generation"', 'quantization', 'mixture of experts', 'multimodal', 'speech',
  'federated learning', 'privacy', 'autonomous driving', 'point cloud', 'knowledge distillation', 'code generation',
  'block diffusion', 'in-context learning', 'state space models', 'protein design', 'time series forecasting', 'uncertainty',
] as const;

/** CPU time this process has used, in ms, every thread included (SQLite's full-text worker is one). */
export function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * A reader of the CPU time, in ms, that a PostgreSQL server running on this machine has used:
 * its postmaster, every live backend, and the backends that have exited. On a shared machine,
 * rows per CPU second compare between runs where rows per second do not. Undefined when the
 * server's data folder or processes cannot be read (another machine, another user, not Linux).
 */
export async function postgresServerCpu(url: string): Promise<(() => number) | undefined> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ setting: string }>(`SELECT setting FROM pg_settings WHERE name = 'data_directory'`);
    const postmaster = readFileSync(join(rows[0]!.setting, 'postmaster.pid'), 'utf8').split('\n')[0]!;
    const msPerTick = 10; // USER_HZ is 100 on every Linux the bench runs on
    const read = () => {
      let ticks = procStat(postmaster).slice(11, 15).reduce((sum, field) => sum + Number(field), 0);
      for (const pid of readdirSync('/proc')) {
        if (!/^\d+$/.test(pid)) continue;
        const stat = procStat(pid);
        if (stat[1] === postmaster) ticks += Number(stat[11]) + Number(stat[12]);
      }
      return ticks * msPerTick;
    };
    return procStat(postmaster).length > 0 ? read : undefined;
  } catch {
    return undefined;
  } finally {
    await client.end();
  }
}

/** The fields of /proc/<pid>/stat after the command name (state, ppid, ..., utime at 11), empty once the process is gone. */
function procStat(pid: string): string[] {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  } catch {
    return [];
  }
}
