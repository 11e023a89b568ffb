/**
 * HTTP benchmark of the web server: `npm run bench:http -- <arxiv-daily dir | .db file>`.
 *
 * A folder of daily listings is imported into a temporary database first (about a minute for
 * 74,728 papers). The server runs in a child process, so autocannon does not share its event
 * loop, with a rate limiter that never refuses (its cost is still paid) and its keyword index
 * built before the first route is measured. Prints one JSON line
 * per route: {"route","connections","req_per_s","p99_ms",...}.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { serve } from '@hono/node-server';
import { createApp } from '../src/app.js';
import { importSource } from '../src/catalog/import.js';
import { openFileSource } from '../src/ingest/formats.js';
import { createWebApp } from '../src/web/server.js';

const CONNECTIONS = 32;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
// Words for distinct two-word queries that miss every cache: the search subsystem's own cost.
const WORDS = ['learning', 'model', 'graph', 'language', 'image', 'robot', 'policy', 'attention', 'sparse', 'quantum', 'protein', 'speech', 'video', 'agent', 'reasoning', 'benchmark', 'optimization', 'kernel', 'bayesian', 'causal', 'federated', 'privacy', 'contrastive', 'segmentation', 'detection', 'translation', 'retrieval', 'compression', 'pruning', 'distillation', 'adversarial', 'robustness', 'physics', 'molecule', 'medical', 'audio', 'tabular', 'planning', 'memory', 'uncertainty'];
const QUERIES = ['diffusion', 'large language models', 'reinforcement learning', '"block diffusion"', 'graph neural network', 'quantization', 'retrieval augmented generation', 'vision transformer'];

if (process.argv[2] === '--serve') await runServer(process.argv[3]!);
else await runBench(process.argv[2]);

async function runServer(dbFile: string): Promise<void> {
  const app = createApp({ dbFile, port: 0 });
  const web = createWebApp(app, { rateLimiter: app.rateLimiter('bench', { perMinute: 1e12, burst: 1e12 }) });
  // A running site has its keyword index built (serve builds it at start); measuring while it
  // builds in the background measures the build (18 s of a core at 74,728 papers) instead.
  await app.search.warm();
  const server = serve({ fetch: web.fetch, port: 0, hostname: '127.0.0.1' });
  server.once('listening', () => process.send!({ port: (server.address() as { port: number }).port }));
  process.once('disconnect', () => server.close(() => app.close()));
}

async function runBench(input: string | undefined): Promise<void> {
  if (!input) {
    console.error('usage: npm run bench:http -- <arxiv-daily folder | database file>');
    process.exit(2);
  }
  let cleanup = () => {};
  let dbFile = input;
  if (statSync(input).isDirectory()) {
    const dir = mkdtempSync(join(tmpdir(), 'paperfeed-bench-'));
    cleanup = () => rmSync(dir, { recursive: true, force: true });
    dbFile = join(dir, 'bench.db');
    const app = createApp({ dbFile, port: 0 });
    const { files, open } = await openFileSource('daily-jsonl', [input]);
    await importSource(app.store, open(files));
    app.close();
  }
  const app = createApp({ dbFile, port: 0 });
  // The 200 newest papers, as two pages of search's listing.
  const first = await app.search.search({ text: '', sort: 'date', limit: 100 });
  const papers = [...first.items, ...(await app.search.search({ text: '', sort: 'date', limit: 100, cursor: first.nextCursor })).items].map((item) => item.paper);
  const day = ((await app.webStore.newestFeatured()) ?? papers[0]?.published ?? '2025-01-01').slice(0, 10);
  app.close();

  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--serve', dbFile], { execArgv: ['--import', 'tsx'] });
  const port = await new Promise<number>((resolve) => child.once('message', (message) => resolve((message as { port: number }).port)));
  const base = `http://127.0.0.1:${port}`;
  const rotating = (paths: string[]) => {
    let next = 0;
    return [{ setupRequest: (request: { path: string }) => ({ ...request, path: paths[next++ % paths.length]! }) }];
  };
  const routes: { route: string; requests?: ReturnType<typeof rotating>; path?: string }[] = [
    { route: 'GET / (home, trending today)', path: '/' },
    { route: 'GET /papers/{id} (200 papers)', requests: rotating(papers.map((paper) => `/papers/${paper.id}`)) },
    { route: 'GET /api/v1/search?q= (8 queries)', requests: rotating(QUERIES.map((query) => `/api/v1/search?q=${encodeURIComponent(query)}&limit=20`)) },
    { route: 'GET /api/v1/search?q= (distinct queries, no cache hits)', requests: rotating(WORDS.flatMap((a) => WORDS.filter((b) => b !== a).map((b) => `/api/v1/search?q=${a}+${b}&limit=20`))) },
    { route: 'GET /api/papers/search?q= (8 queries)', requests: rotating(QUERIES.map((query) => `/api/papers/search?q=${encodeURIComponent(query)}&limit=20`)) },
    { route: 'GET /api/daily_papers', path: '/api/daily_papers' },
    { route: 'GET /papers/date/{day}', path: `/papers/date/${day}` },
    { route: 'GET /feeds/trending.rss', path: '/feeds/trending.rss' },
  ];
  try {
    for (const { route, path, requests } of routes) {
      // Warm caches the way a running site has them warm.
      for (const target of requests ? papers.slice(0, 200).map((paper) => `/papers/${paper.id}`).concat(QUERIES.map((query) => `/api/v1/search?q=${encodeURIComponent(query)}`)) : [path!]) {
        await fetch(`${base}${target}`, { redirect: 'follow' }).then((response) => response.arrayBuffer());
      }
      const result = await autocannon({ url: `${base}${path ?? '/'}`, connections: CONNECTIONS, duration: SECONDS, ...(requests ? { requests } : {}) });
      console.log(JSON.stringify({
        route, connections: CONNECTIONS, req_per_s: Math.round(result.requests.average), p99_ms: result.latency.p99,
        p50_ms: result.latency.p50, errors: result.errors, non_2xx: result.non2xx,
      }));
    }
  } finally {
    child.disconnect();
    cleanup();
  }
}
