/**
 * Search latency on a real catalog: p50/p99 per engine and mode, with 1 and 16 concurrent
 * clients, and the ANN index's recall@10 against the exact scan.
 *
 *   npm run bench:search -- <daily-jsonl-dir>       imports into a temporary catalog first
 *   npm run bench:search -- --db <paperfeed.db>      uses an existing catalog (embedded or not)
 *   --papers N        first grows the catalog to N papers (growCatalog in support.ts)
 *   --keyword-only    measures keyword search alone (no embeddings, semantic, hybrid or MiniSearch)
 *   --skip-minisearch leaves MiniSearch out (it holds a large catalog in the JS heap and indexes it slowly)
 *
 * Beyond EXACT_LIMIT papers, recall is that of the product's own IVF index (the one semantic
 * search serves from, built once and saved beside the database); below it, an IVF index is
 * built for the measurement.
 *
 * One JSON line per figure: {"engine","papers","mode","clients","p50_ms","p99_ms","recall_at_10"}.
 */
import MiniSearch from 'minisearch';
import { parseArgs } from 'node:util';
import { createApp } from '../src/app.js';
import { paperText } from '../src/search/embedder.js';
import { embeddingPages, embedMissing, joinedPages, loadLsaEmbedder, trainCatalogModel } from '../src/search/embeddings.js';
import { embedLsa } from '../src/search/lsa.js';
import { parseQuery } from '../src/search/query.js';
import type { SearchMode } from '../src/search/types.js';
import { ivfIndex, listsFor, trainQuantizer, TRAINING_VECTORS, VectorSample } from '../src/search/ivf-index.js';
import { exactIndex, EXACT_LIMIT } from '../src/search/vectors.js';
import { emit, growCatalog, importDaily, queryLatency, SEARCH_QUERIES, tempCatalog } from './support.js';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { db: { type: 'string' }, rounds: { type: 'string' }, papers: { type: 'string' }, 'keyword-only': { type: 'boolean' }, 'skip-minisearch': { type: 'boolean' } } });
const opened = values.db ? createApp({ dbFile: values.db, port: 0 }) : undefined;
// A catalog the bench did not create is closed, not removed (left open, its threads kept the bench from exiting).
const app = opened ? { ...opened, cleanup: () => void opened.close() } : tempCatalog();
try {
  if (!values.db) {
    if (!positionals[0]) throw new Error('usage: bench:search -- <daily-jsonl-dir> | --db <file>');
    await importDaily(app, positionals[0]);
  }
  if (values.papers) emit({ grown_to: await growCatalog(app, Number(values.papers)) });
  const papers = await app.store.countPapers();
  const keywordOnly = values['keyword-only'] === true;
  let embedder = await loadLsaEmbedder(app.searchStore);
  if (!keywordOnly) {
    if (!embedder) embedder = await trainCatalogModel(app.searchStore, new Date());
    await embedMissing(app.searchStore, embedder);
  }
  const rounds = Number(values.rounds ?? 5);

  const measure = async (engine: string, mode: string, run: (query: string) => Promise<unknown> | unknown) => {
    for (const clients of [1, 16]) emit({ engine, papers, mode, clients, ...(await queryLatency(run, rounds, clients)), recall_at_10: null });
  };

  const buildStarted = performance.now();
  await app.search.warm();
  // The index lives in a worker thread of this process: its memory shows in the RSS only.
  emit({ engine: 'keyword-index', papers, build_s: Math.round((performance.now() - buildStarted) / 100) / 10, rss_mb: Math.round(process.memoryUsage().rss / 2 ** 20) });
  if (!keywordOnly) {
    const started = performance.now();
    const index = await app.search.vectors();
    emit({ engine: 'vector-index', papers, kind: index && index.size > EXACT_LIMIT ? 'ivf-pq' : 'exact', ready_s: Math.round((performance.now() - started) / 100) / 10, rss_mb: Math.round(process.memoryUsage().rss / 2 ** 20) });
  }
  const modes: SearchMode[] = keywordOnly ? ['keyword'] : ['keyword', 'semantic', 'hybrid'];
  await app.search.search({ text: 'warm up', mode: modes.at(-1)! });
  for (const mode of modes) {
    await measure('paperfeed', mode, (text) => app.search.search({ text, mode, limit: 10 }));
  }
  await measure('fts5-bm25-raw', 'keyword', (text) => {
    const node = parseQuery(text);
    return app.searchStore.keywordSearch({ query: node, filters: {}, order: 'relevance', limit: 10, offset: 0 });
  });
  // The vector indexes' speed and recall, and MiniSearch's speed, over the stored embeddings.
  if (!keywordOnly && embedder) {
    const pages = [];
    for await (const page of embeddingPages(app.searchStore, embedder.id)) pages.push(page);
    const { rowids, vectors } = joinedPages(pages);
    const dims = embedder.dims;
    const started = performance.now();
    const served = await app.search.vectors();
    const ann = served && served.size > EXACT_LIMIT ? served : builtIvf(embedder.id, rowids, vectors, dims);
    const buildSeconds = ann === served ? undefined : (performance.now() - started) / 1000;
    const exact = exactIndex(rowids, vectors, dims);
    let overlap = 0;
    for (const text of SEARCH_QUERIES) {
      const query = embedLsa(embedder.model, text);
      const found = new Set((await ann.search(query, 10)).map((m) => m.key));
      overlap += (await exact.search(query, 10)).filter((m) => found.has(m.key)).length;
    }
    await measure('ivf-pq', 'semantic-ann-only', (text) => ann.search(embedLsa(embedder!.model, text), 10));
    await measure('exact-scan', 'semantic-ann-only', (text) => exact.search(embedLsa(embedder!.model, text), 10));
    emit({ engine: 'ivf-pq', papers, mode: 'semantic', clients: 1, p50_ms: null, p99_ms: null, recall_at_10: overlap / (10 * SEARCH_QUERIES.length), ...(buildSeconds !== undefined && { build_s: Math.round(buildSeconds * 10) / 10 }) });
    if (values['skip-minisearch'] !== true) {
      const mini = new MiniSearch<{ id: number; title: string; text: string }>({ fields: ['title', 'text'], searchOptions: { boost: { title: 2 }, prefix: false } });
      const docs = await app.searchStore.papersByRowids(rowids);
      mini.addAll([...docs].map(([rowid, paper]) => ({ id: rowid, title: paper.title, text: paperText(paper) })));
      await measure('minisearch', 'keyword', (text) => mini.search(text.replace(/["*-]|\b\w+:/g, ' ')).slice(0, 10));
    }
  }
} finally {
  app.cleanup();
}

/** The product's IVF index over the vectors, built here (the served index is exact below EXACT_LIMIT). */
function builtIvf(modelId: string, rowids: number[], vectors: Float32Array, dims: number) {
  const sample = new VectorSample(TRAINING_VECTORS, dims);
  sample.offer(vectors);
  const index = ivfIndex(trainQuantizer(sample.vectors, dims, listsFor(rowids.length)), (keys) => app.searchStore.embeddingsOf(modelId, keys));
  index.add(rowids, vectors);
  return index;
}
