/**
 * Search quality on test collections. Reads them only from the paths given.
 *
 *   npm run eval -- csfcube <pools-dir> [--background <daily-jsonl-dir>] [--out ranking.json] [--use-lite]
 *   npm run eval -- cacm <dir> [--use-lite]
 *
 * `--use-lite` also measures the Universal Sentence Encoder lite (minutes: it embeds every
 * paper of the collection, not of the background). Prints one JSON line per figure; for csfcube
 * the last line is the default configuration's.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Paper } from '../src/catalog/paper.js';
import { paperText, useLiteEmbedder, type Embedder } from '../src/search/embedder.js';
import { embedMissing, trainCatalogModel } from '../src/search/embeddings.js';
import { embedLsa, sparseDot, tfidf, type LsaModel } from '../src/search/lsa.js';
import { KeywordEngine } from '../src/search/keyword-engine.js';
import { parseQuery, withoutStopWords } from '../src/search/query.js';
import { keywordPage } from '../src/search/service.js';
import { rankCandidates } from '../src/search/similar.js';
import { createSearch } from '../src/search/service.js';
import { averagePrecision, collectionPaper, emit, importDaily, mean, ndcg, round4, tempCatalog, writePapers } from './support.js';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { background: { type: 'string' }, out: { type: 'string' }, 'use-lite': { type: 'boolean' } } });
const [collection, dir] = positionals;
if (!dir || (collection !== 'csfcube' && collection !== 'cacm')) {
  process.stderr.write('usage: eval csfcube <pools-dir> [--background <dir>] [--out <file>] [--use-lite] | eval cacm <dir> [--use-lite]\n');
  process.exit(2);
}
const pretrained = values['use-lite'] ? await useLiteEmbedder() : undefined;
if (collection === 'csfcube') await csfcube(dir, values.background, values.out, pretrained);
else await cacm(dir, pretrained);

async function csfcube(poolsDir: string, background: string | undefined, out: string | undefined, pretrained: Embedder | undefined): Promise<void> {
  const app = tempCatalog();
  try {
    const corpus = readFileSync(join(poolsDir, 'corpus.jsonl'), 'utf8').split('\n').filter(Boolean)
      .map((line) => JSON.parse(line) as { paper_id: string; year: string; title: string; abstract: string | string[] })
      .map((row) => collectionPaper({ id: row.paper_id, title: row.title, abstract: Array.isArray(row.abstract) ? row.abstract.join(' ') : row.abstract }));
    await writePapers(app, corpus);
    if (background) emit({ background_papers: await importDaily(app, background) });
    const { model } = await trainCatalogModel(app.searchStore, new Date(0));
    const papers = new Map(corpus.map((paper) => [paper.id, paper]));
    const rankers: Record<string, (query: Paper, candidates: Paper[]) => string[]> = {
      tfidf: (query, candidates) => byScore(candidates, (paper) => sparseDot(tfidf(model, paperText(query)), tfidf(model, paperText(paper)))),
      lsa: (query, candidates) => byScore(candidates, (paper) => cosine(model, query, paper)),
    };
    if (pretrained) {
      const started = Date.now();
      const vectors = await pretrained.embed(corpus.map(paperText));
      emit({ embedder: pretrained.id, papers: corpus.length, seconds: round4((Date.now() - started) / 1000), rss_mb: Math.round(process.memoryUsage().rss / 1e6) });
      const vectorOf = new Map(corpus.map((paper, i) => [paper.id, vectors[i]!]));
      rankers[pretrained.id] = (query, candidates) => byScore(candidates, (paper) => dot(vectorOf.get(query.id)!, vectorOf.get(paper.id)!));
      // The default's TF-IDF and LSA lists plus the pretrained model's cosine, equally weighted.
      rankers[`tfidf+lsa+${pretrained.id} z-fusion`] = (query, candidates) =>
        rankCandidates(query, candidates, model, [(paper) => vectorOf.get(paper.id)!]).map((item) => item.paper.id);
    }
    rankers['tfidf+lsa, passages, feedback (default)'] = (query, candidates) => rankCandidates(query, candidates, model).map((item) => item.paper.id);
    for (const [name, rank] of Object.entries(rankers)) {
      const rankings: Record<string, string[]> = {};
      const ndcg20: number[] = [];
      const ndcgAt20: number[] = [];
      const ap: number[] = [];
      for (const file of readdirSync(poolsDir).filter((f) => /^pools-.+\.json$/.test(f)).sort()) {
        const facet = file.slice('pools-'.length, -'.json'.length);
        const pools = JSON.parse(readFileSync(join(poolsDir, file), 'utf8')) as Record<string, { cands: string[]; relevance_adju: number[] }>;
        for (const [queryId, pool] of Object.entries(pools)) {
          const ranking = rank(papers.get(queryId)!, pool.cands.map((id) => papers.get(id)!));
          const grades = new Map(pool.cands.map((id, i) => [id, pool.relevance_adju[i]!]));
          rankings[`${queryId}_${facet}`] = ranking;
          ndcg20.push(ndcg(ranking, grades, Math.floor(0.2 * pool.cands.length)));
          ndcgAt20.push(ndcg(ranking, grades, 20));
          ap.push(averagePrecision(ranking, new Set(pool.cands.filter((_, i) => pool.relevance_adju[i]! >= 2))));
        }
      }
      if (out && name.includes('default')) writeFileSync(out, JSON.stringify(rankings));
      // The halves, for choices made by two-fold cross-validation (docs/search.md).
      const half = (parity: number) => round4(mean(ndcg20.filter((_, i) => i % 2 === parity)));
      emit({
        collection: 'csfcube', ranker: name, queries: ndcg20.length, 'ndcg%20': round4(mean(ndcg20)), 'ndcg%20_even': half(0), 'ndcg%20_odd': half(1),
        'ndcg@20': round4(mean(ndcgAt20)), map: round4(mean(ap)),
      });
    }
  } finally {
    app.cleanup();
  }
}

function byScore(candidates: readonly Paper[], score: (paper: Paper) => number): string[] {
  return candidates.map((paper) => ({ id: paper.id, score: score(paper) })).sort((a, b) => b.score - a.score).map((item) => item.id);
}

function cosine(model: LsaModel, a: Paper, b: Paper): number {
  return dot(embedLsa(model, paperText(a)), embedLsa(model, paperText(b)));
}

function dot(x: Float32Array, y: Float32Array): number {
  return x.reduce((sum, value, d) => sum + value * y[d]!, 0);
}

/** CACM in SMART format: `.I n`, then `.T` title, `.W` abstract, `.K` keywords, `.A` authors… */
function smart(text: string): Map<string, Record<string, string>> {
  const docs = new Map<string, Record<string, string>>();
  for (const chunk of text.split(/^\.I /m).slice(1)) {
    const [idLine, ...rest] = chunk.split('\n');
    const fields: Record<string, string> = {};
    let field = '';
    for (const line of rest) {
      const tag = /^\.([A-Z])\s*$/.exec(line);
      if (tag) field = tag[1]!;
      else if (field) fields[field] = `${fields[field] ?? ''}${line}\n`;
    }
    docs.set(idLine!.trim(), fields);
  }
  return docs;
}

async function cacm(collectionDir: string, pretrained: Embedder | undefined): Promise<void> {
  const app = tempCatalog();
  try {
    const docs = smart(readFileSync(join(collectionDir, 'cacm.all'), 'utf8'));
    // Keywords join the abstract: the index has no keyword field, and the reference BM25 indexed them.
    await writePapers(app, [...docs].map(([id, f]) => collectionPaper({
      id: `cacm-${id}`, title: (f.T ?? '').trim(), abstract: `${f.W ?? ''} ${f.K ?? ''}`.trim(), authors: (f.A ?? '').split('\n').filter(Boolean),
    })));
    const queries = smart(readFileSync(join(collectionDir, 'query.text'), 'utf8'));
    const relevant = new Map<string, Set<string>>();
    for (const line of readFileSync(join(collectionDir, 'cacm.qrels'), 'utf8').split('\n')) {
      const [q, , doc] = line.trim().split(/\s+/);
      if (!q || !doc) continue;
      const key = String(Number(q));
      if (!relevant.has(key)) relevant.set(key, new Set());
      relevant.get(key)!.add(`cacm-${doc}`);
    }
    const judged = [...queries].filter(([id]) => relevant.has(String(Number(id))));
    const embedder = await trainCatalogModel(app.searchStore, new Date(0));
    await embedMissing(app.searchStore, embedder);
    const report = async (engine: string, rank: (text: string) => Promise<string[]>) => {
      const ap: number[] = [];
      const n10: number[] = [];
      for (const [id, fields] of judged) {
        const ranking = await rank((fields.W ?? '').replace(/\s+/g, ' ').trim());
        const rel = relevant.get(String(Number(id)))!;
        ap.push(averagePrecision(ranking, rel));
        n10.push(ndcg(ranking, new Map([...rel].map((doc) => [doc, 1])), 10));
      }
      emit({ collection: 'cacm', engine, queries: judged.length, map: round4(mean(ap)), 'ndcg@10': round4(mean(n10)) });
    };
    // FTS5's bm25() (what answers before the index is built) and the in-memory index's BM25 (the default).
    const memory = new KeywordEngine(app.searchStore);
    await memory.build();
    for (const [engine, engines] of [['keyword bm25 (stemmed, FTS5)', { store: app.searchStore }], ['keyword bm25 (stemmed, in-memory index)', { store: app.searchStore, memory }]] as const) {
      await report(engine, async (text) => {
        const node = parseQuery(text);
        const { hits } = await keywordPage(engines, node && withoutStopWords(node), {}, 'relevance', undefined, 1000, 0);
        return hits.map((hit) => hit.paper.id);
      });
    }
    memory.close();
    const ranked = (search: ReturnType<typeof createSearch>, mode: 'semantic' | 'hybrid') => async (text: string) => {
      const ids: string[] = [];
      for (let cursor: string | undefined, page = 0; page < 2; page += 1) {
        const result = await search.search({ text, mode, limit: 100, ...(cursor && { cursor }) });
        ids.push(...result.items.map((item) => item.paper.id));
        if (!result.nextCursor) break;
        cursor = result.nextCursor;
      }
      return ids;
    };
    const lsaSearch = (fusion: 'rrf' | 'z') => createSearch({ store: app.searchStore, embeddings: app.searchStore, trendingScores: async () => new Map(), fusion });
    await report('semantic (lsa)', ranked(lsaSearch('z'), 'semantic'));
    for (const fusion of ['rrf', 'z'] as const) await report(`hybrid (${fusion})`, ranked(lsaSearch(fusion), 'hybrid'));
    if (pretrained) {
      const started = Date.now();
      const { embedded } = await embedMissing(app.searchStore, pretrained);
      emit({ embedder: pretrained.id, papers: embedded, seconds: round4((Date.now() - started) / 1000), rss_mb: Math.round(process.memoryUsage().rss / 1e6) });
      const search = createSearch({ store: app.searchStore, embeddings: app.searchStore, trendingScores: async () => new Map(), fusion: 'z', embedder: async () => pretrained });
      await report(`semantic (${pretrained.id})`, ranked(search, 'semantic'));
      await report(`hybrid (z, ${pretrained.id})`, ranked(search, 'hybrid'));
    }
  } finally {
    app.cleanup();
  }
}
