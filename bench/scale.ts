/**
 * Scale benchmark: grows a catalog from the real papers of a folder of daily listings to N papers
 * (2.7M by default, arXiv's size), imports the same stream into SQLite and into PostgreSQL one
 * after the other, and prints one JSON line:
 * {"papers","sqlite_rows_per_s","sqlite_indexed_rows_per_s","sqlite_rows_per_cpu_s","postgres_rows_per_s",
 *  "postgres_indexed_rows_per_s","postgres_rows_per_cpu_s",
 *  "sqlite_db_mb","postgres_db_mb","sqlite_search_p50_ms","sqlite_search_p99_ms","postgres_search_p50_ms",
 *  "postgres_search_p99_ms","serving_peak_rss_mb"}
 *
 *   npm run bench:scale -- <arxiv-daily data folder> [--papers N] [--backends sqlite,postgres] [--keep <dir>]
 *   npm run bench:scale -- --serve <paperfeed.db>     only the serving figures, for a kept catalog
 *
 * --keep leaves the SQLite catalog in <dir> (which must not exist), so it can be embedded
 * (`PAPERFEED_DB=<dir>/paperfeed.db paperfeed embed`) and served again with --serve. When the
 * catalog has embeddings, the serving figures include semantic search over its vector index, so
 * the peak RSS is that of a process holding both indexes.
 *
 * The full run (--papers 2700000) needs about 30 GB of free disk in the temp folder and the
 * server's data folder. PostgreSQL is PAPERFEED_DATABASE_URL when set (the bench works in a schema
 * of its own and drops it), else a throwaway cluster as the tests start (fsync off).
 *
 * rows_per_s counts the import until its last batch committed; indexed_rows_per_s until the
 * full-text index (derived data on both backends, filled behind the import) had caught up too,
 * which is when a keyword search sees every paper. rows_per_cpu_s divides the rows by the CPU
 * time of both, indexing included: this process's (with SQLite's
 * full-text worker) plus, when the server runs on this machine and the bench can read it, the
 * PostgreSQL server's (postgres_rows_per_cpu_s is absent otherwise). On a shared, loaded machine
 * it is the figure that compares between runs.
 *
 * Measured on the 2-core machine, 200k papers, SQLite and PostgreSQL (throwaway cluster), both runs
 * on a machine loaded by other work (load average 7 to 16), so compare rows_per_cpu_s rather than
 * wall rates. Before PostgreSQL's full-text vector became derived data (7a935d0, a generated
 * column): sqlite 2,571 rows/s, 4,759 rows/CPU-s; postgres 392 rows/s, 944 rows/CPU-s. After
 * (paper_search filled by a follower of the changes): sqlite 1,295 rows/s committed, 851 indexed,
 * 3,916 rows/CPU-s; postgres 1,182 rows/s committed, 640 indexed, 1,308 rows/CPU-s. At 100k,
 * postgres only, the two run side by side (load 20): before 379 rows/s, 1,292 rows/CPU-s; after
 * 1,032 rows/s committed, 567 indexed, 1,363 rows/CPU-s. PostgreSQL's
 * CPU per row is now mostly the follower's: stemming the abstract and the GIN index take about
 * 0.5 ms a paper against about 0.15 ms for the rest of the import (client and server).
 *
 * SQLite after the full-text settings (16 MB term buffer, automerge 8) and 8 kB catalog pages,
 * 200k papers, sqlite only, the two builds one after the other (load 4 to 4.5): before 4,608 rows/s
 * committed, 3,478 indexed, 4,535 rows/CPU-s, 1,028 MB; after 4,247 rows/s committed, 3,855
 * indexed, 5,615 rows/CPU-s, 790 MB. Per paper (CPU per thread, 100k-120k papers) the full-text
 * worker went from about 120 to 95 µs and the import thread stayed at about 70 µs. What is left is
 * mostly intrinsic: FTS5 tokenising and Porter-stemming the text (about 65 µs), the paper's JSON
 * doc written (JSON.stringify, about 15 µs) and read back by the worker (about 10 µs), the row and
 * its indexes (about 30 µs), and this bench's generator (about 10 µs). So 10,000 rows/s indexed
 * needs a core for the worker alone; 10,000 committed, a second core free for the import.
 *
 * On the machine idle (load average 0.05 to 1.2), 200k papers, both backends: sqlite 10,024 rows/s
 * committed, 8,669 indexed, 5,032 rows/CPU-s; postgres 5,116 committed, 2,188 indexed, 1,502
 * rows/CPU-s. The full 2.7M, sqlite only (idle but for a CI run during 7 of its minutes, and with
 * the catalog's WAL bounded, see SqliteCatalogStore.committed): 3,408 rows/s committed and
 * indexed, 3,854 rows/CPU-s, 10,577 MB, keyword p50 6.2 ms and p99 81.9 ms, serving peak RSS
 * 2,704 MB. The rate fell with size, for two reasons, both gone since:
 * - the full-text worker held a read of the catalog through each batch it indexed, so the WAL
 *   could not start over and the writer's checkpoints (RESTART, past 256 MB) waited for it: at
 *   2.7M papers they took two thirds of the importing thread's time. The worker now reads a
 *   batch first and indexes it after, and the WAL stays at its 54 MB autocheckpoint size;
 * - each made-up paper took a random real paper's listing date, so the two date indexes took
 *   rows in random order: 27 kB written a row at 2.7M against 13 kB dated by id (see below).
 * After both, the full 2.7M, sqlite only, with another 2.7M-paper serving bench running beside it
 * (load average about 3): 8,893 rows/s committed, 6,177 indexed, 5,841 rows/CPU-s, 10,590 MB,
 * keyword p50 7.5 ms and p99 91.6 ms, serving peak RSS 2,727 MB; about 10,000 rows/s until
 * 1.3M papers, 7,700 to 10,800 after. The same on the machine idle (load average 0.2 to 2, the
 * chunked keyword index): 11,066 rows/s committed, 6,759 indexed, 4,461 rows/CPU-s, 10,591 MB,
 * keyword p50 8.6 ms and p99 62.9 ms, serving peak RSS 1,855 MB. Served with its vectors
 * (`paperfeed embed`, then --serve twice, the second loading the IVF index the first built; load
 * average 1 to 2): keyword p50 8.7 ms and p99 55.5, semantic p50 30.3 and p99 59.7, serving peak
 * RSS 1,650 MB (2,879 with the HNSW graph before).
 *
 * How the catalog grows, deterministically: the real papers come first, as read; paper k after
 * them is made by a PRNG seeded with k (mulberry32) that picks four real papers and takes the
 * first half of one's title and the second half of another's, one's abstract with its second
 * half replaced by another's, and the authors and categories of real papers. Its id is a
 * new-style arXiv id in months that do not exist yet (5001.00000 on), so it never meets a real
 * one, and it is listed in its id's month, as arXiv's papers are. (Until 2026-11-28 a made-up
 * paper took a real paper's listing date, so the catalog's date indexes took its rows in random
 * order, which no harvest does: at 2.7M that wrote twice the bytes a row, 27 kB against 13.) Every record goes through the import use case (fingerprints, merge, change log),
 * as a JSON Lines import does: fingerprinted before it is built.
 *
 * Keyword search is timed in a child process that opens the catalog (SQLite, then PostgreSQL) as
 * `serve` does, builds its keyword index and answers the bench's queries one at a time; its peak
 * RSS is the serving process's.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createApp } from '../src/app.js';
import type { CatalogStore } from '../src/catalog/store.js';
import { importSource } from '../src/catalog/import.js';
import type { SourceRecord } from '../src/catalog/paper.js';
import { openFileSource } from '../src/ingest/formats.js';
import type { Source } from '../src/ingest/source.js';
import { PostgresCatalogStore } from '../src/store/postgres/catalog-store.js';
import { openPostgres } from '../src/store/postgres/database.js';
import { dropSchema, startThrowawayCluster } from '../test/postgres.js';
import { emit, postgresServerCpu, processCpuMs, queryLatency, sqliteBytes } from './support.js';
import { mulberry32 } from '../src/random.js';

const SEARCH_ROUNDS = 5;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    papers: { type: 'string', default: '2700000' }, backends: { type: 'string', default: 'sqlite,postgres' }, keep: { type: 'string' },
    // The serving child's side (servingChild).
    serve: { type: 'string' }, 'serve-postgres': { type: 'string' }, schema: { type: 'string' },
  },
});

if (values.serve) {
  emit(await servingFigures({ dbFile: values.serve }));
} else if (values['serve-postgres'] && values.schema) {
  emit(await servingFigures({ url: values['serve-postgres'], schema: values.schema }));
} else {
  if (!positionals[0]) throw new Error('usage: bench:scale -- <arxiv-daily data folder> [--papers N] [--backends sqlite,postgres]');
  const target = Number(values.papers);
  const backends = new Set(values.backends.split(','));
  const pool = await realRecords(positionals[0]);
  const figures: Record<string, unknown> = { papers: target, real_papers: pool.length };
  const dir = values.keep ?? mkdtempSync(join(tmpdir(), 'paperfeed-bench-scale-'));
  if (values.keep) mkdirSync(values.keep);
  try {
    if (backends.has('sqlite')) {
      const dbFile = join(dir, 'paperfeed.db');
      const app = createApp({ dbFile, port: 0 });
      const rates = await timedImport(app.store, grownCatalog(pool, target), () => 0);
      figures.sqlite_rows_per_s = rates.rows_per_s;
      figures.sqlite_indexed_rows_per_s = rates.indexed_rows_per_s;
      figures.sqlite_rows_per_cpu_s = rates.rows_per_cpu_s;
      await app.close();
      figures.sqlite_db_mb = Math.round(sqliteBytes(dir) / 1e6);
      const serving = servingChild(['--serve', dbFile]);
      figures.sqlite_search_p50_ms = serving.p50_ms;
      figures.sqlite_search_p99_ms = serving.p99_ms;
      figures.serving_peak_rss_mb = serving.peak_rss_mb;
      if (serving.semantic_p50_ms !== undefined) Object.assign(figures, { sqlite_semantic_p50_ms: serving.semantic_p50_ms, sqlite_semantic_p99_ms: serving.semantic_p99_ms });
    }
    if (backends.has('postgres')) Object.assign(figures, await postgresFigures(pool, target));
  } finally {
    if (!values.keep) rmSync(dir, { recursive: true, force: true });
  }
  emit(figures);
}

/** The first record of each paper in the daily listings: the real papers the catalog grows from. */
async function realRecords(dir: string): Promise<SourceRecord[]> {
  const { files, open } = await openFileSource('daily-jsonl', [dir]);
  const byId = new Map<string, SourceRecord>();
  for await (const item of open(files)) {
    const parsed = 'unparsed' in item ? item.unparsed.parse() : item;
    if ('record' in parsed && !byId.has(parsed.record.id)) byId.set(parsed.record.id, parsed.record);
  }
  return [...byId.values()];
}

/** The real papers, then made-up ones up to `target` (see the header). */
async function* grownCatalog(pool: readonly SourceRecord[], target: number): Source {
  const cut = pool.map(halves);
  for (let k = 0; k < target; k += 1) {
    if (k < pool.length) {
      const record = pool[k]!;
      yield { unparsed: { fingerprint: `scale/1 ${k}`, parse: () => ({ record }) } };
    } else {
      yield { unparsed: { fingerprint: `scale/1 ${k}`, parse: () => ({ record: madeUpRecord(pool, cut, k - pool.length) }) } };
    }
  }
}

/** A real paper's title (cut between words) and abstract (between sentences) in two halves. */
interface Halves {
  title: readonly [string, string];
  abstract: readonly [string, string];
}

function madeUpRecord(pool: readonly SourceRecord[], cut: readonly Halves[], n: number): SourceRecord {
  const random = mulberry32(n + 1);
  const pick = () => Math.floor(random() * pool.length);
  const [a, b, c, d] = [pick(), pick(), pick(), pick()];
  const month = Math.floor(n / 100_000);
  const [year, monthOfYear] = [50 + Math.floor(month / 12), String((month % 12) + 1).padStart(2, '0')];
  const id = `${year}${monthOfYear}.${String(n % 100_000).padStart(5, '0')}`;
  // Listed in its id's month, as an arXiv paper is: the month's 100,000 ids over its first 28 days, in order.
  const day = String(1 + Math.floor((n % 100_000) / 3_600)).padStart(2, '0');
  return {
    ...pool[c]!,
    id,
    ref: `scale:${n}`,
    observedAt: `20${year}-${monthOfYear}-${day}T00:00:00.000Z`,
    fields: {
      ...pool[c]!.fields,
      title: `${cut[a]!.title[0]} ${cut[b]!.title[1]}`.trim(),
      abstract: `${cut[b]!.abstract[0]} ${cut[d]!.abstract[1]}`.trim(),
      categories: pool[d]!.fields.categories ?? [],
    },
  };
}

/** Cut once per real paper: cutting per made-up paper took a tenth of the importing thread's time. */
function halves(record: SourceRecord): Halves {
  return { title: inTwo(record.fields.title ?? '', ' '), abstract: inTwo(record.fields.abstract ?? '', '. ') };
}

/** A text's first and second half of its parts. */
function inTwo(text: string, separator: string): [string, string] {
  const parts = text.split(separator);
  const middle = Math.ceil(parts.length / 2);
  return [parts.slice(0, middle).join(separator), parts.slice(middle).join(separator)];
}

/**
 * Imports the stream. Rows per second of wall time until the last batch committed, and until
 * the full-text index had caught up too (the import's settle returned); rows per CPU second of
 * this process and `serverCpuMs` until then, indexing included.
 */
async function timedImport(store: CatalogStore, source: Source, serverCpuMs: (() => number) | undefined) {
  const started = performance.now();
  const cpuMs = serverCpuMs && (() => processCpuMs() + serverCpuMs());
  const cpuBefore = cpuMs?.() ?? 0;
  // The import reports progress after each batch commits, the last time right before it settles.
  let committed = started;
  const counts = await importSource(store, source, { onProgress: () => { committed = performance.now(); } });
  const indexed = performance.now();
  const cpuSeconds = cpuMs && (cpuMs() - cpuBefore) / 1000;
  if (counts.added !== counts.read) throw new Error(`expected every paper to be new: ${JSON.stringify(counts)}`);
  return {
    rows_per_s: Math.round(counts.read / ((committed - started) / 1000)),
    indexed_rows_per_s: Math.round(counts.read / ((indexed - started) / 1000)),
    rows_per_cpu_s: cpuSeconds === undefined ? undefined : Math.round(counts.read / cpuSeconds),
  };
}

async function postgresFigures(pool: readonly SourceRecord[], target: number): Promise<Record<string, unknown>> {
  const url = process.env.PAPERFEED_DATABASE_URL ?? (await startThrowawayCluster());
  const schema = `bench_scale_${process.pid}`;
  const db = openPostgres(url, { schema });
  try {
    const rates = await timedImport(new PostgresCatalogStore(db), grownCatalog(pool, target), await postgresServerCpu(url));
    const serving = servingChild(['--serve-postgres', url, '--schema', schema]);
    return {
      postgres_rows_per_s: rates.rows_per_s, postgres_indexed_rows_per_s: rates.indexed_rows_per_s, postgres_rows_per_cpu_s: rates.rows_per_cpu_s, postgres_db_mb: Math.round((await schemaBytes(url, schema)) / 1e6),
      postgres_search_p50_ms: serving.p50_ms, postgres_search_p99_ms: serving.p99_ms, postgres_serving_peak_rss_mb: serving.peak_rss_mb,
    };
  } finally {
    await db.close();
    await dropSchema(url, schema);
  }
}

/** Bytes of every table and index in a schema. */
async function schemaBytes(url: string, schema: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ bytes: string }>(
      `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'r'`,
      [schema],
    );
    return Number(rows[0]!.bytes);
  } finally {
    await client.end();
  }
}

/** Runs {@link servingFigures} in a child process, so its peak RSS is a serving process's alone. */
function servingChild(args: string[]): Awaited<ReturnType<typeof servingFigures>> {
  const output = execFileSync(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(output.trim().split('\n').at(-1)!);
}

/** The serving process's side: opens the catalog (a SQLite file, or a PostgreSQL schema), builds its keyword index, times the queries. */
async function servingFigures(where: { dbFile: string } | { url: string; schema: string }) {
  const app = 'url' in where
    ? createApp({ dbFile: '', databaseUrl: where.url, port: 0 }, undefined, { schema: where.schema })
    : createApp({ dbFile: where.dbFile, port: 0 });
  try {
    await app.search.warm();
    await app.search.search({ text: 'warm up', mode: 'keyword' });
    const latency = await queryLatency((text) => app.search.search({ text, mode: 'keyword', limit: 10 }), SEARCH_ROUNDS, 1);
    const semantic = (await app.search.vectors())
      ? await queryLatency((text) => app.search.search({ text, mode: 'semantic', limit: 10 }), SEARCH_ROUNDS, 1)
      : undefined;
    return {
      ...latency,
      ...(semantic && { semantic_p50_ms: semantic.p50_ms, semantic_p99_ms: semantic.p99_ms }),
      peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    };
  } finally {
    await app.close();
  }
}
