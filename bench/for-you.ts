/**
 * "For you" speed: 10,000 accounts, each with 20 follows (topics, categories, authors) and 50
 * upvotes, ranked over a real catalog with its LSA embeddings.
 *
 *   npm run bench:foryou -- <arxiv-daily data dir>     imports and embeds it into a temporary catalog first
 *   npm run bench:foryou -- --db <paperfeed.db>        copies an embedded catalog (and its full-text file) instead
 *
 * Prints one JSON line: {"users","follows","votes","candidates","pool_ms","avg_ms","p50_ms","p99_ms"}.
 * `pool_ms` is the one-off build of the candidate pool; per-user times include everything else,
 * topic searches shared by many users included (the first user of a topic pays for it).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createApp } from '../src/app.js';
import { BENCH_TOPICS } from './support.js';
import { followKey, type Follow } from '../src/follows/follow.js';
import { openSqlite } from '../src/store/sqlite/database.js';
import { SqliteCommunityStore } from '../src/store/sqlite/community-store.js';
import { fulltextFileOf } from '../src/store/sqlite/fulltext.js';

const USERS = 10_000;
const FOLLOWS = 20;
const VOTES = 50;
const TOPICS = BENCH_TOPICS;
const CATEGORIES = ['cs.CV', 'cs.CL', 'cs.AI', 'cs.LG', 'cs.IT', 'cs.GT', 'cs.GR', 'cs.RO', 'stat.ML', 'math.OC', 'eess.IV', 'cs'];
const BIN = fileURLToPath(new URL('../bin/paperfeed.js', import.meta.url));

const { positionals, values } = parseArgs({ allowPositionals: true, options: { db: { type: 'string' } } });
if (!values.db && positionals.length !== 1) throw new Error('usage: bench/for-you.ts <arxiv-daily data dir> | --db <paperfeed.db>');
const dir = mkdtempSync(join(tmpdir(), 'paperfeed-bench-foryou-'));
const dbFile = join(dir, 'paperfeed.db');
try {
  if (values.db) {
    copyFileSync(values.db, dbFile);
    if (existsSync(fulltextFileOf(values.db))) copyFileSync(fulltextFileOf(values.db), fulltextFileOf(dbFile));
  } else {
    execFileSync(process.execPath, [BIN, 'import', '--db', dbFile, '--format', 'daily-jsonl', positionals[0]!], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  // Embeds what is missing (nothing, for an embedded copy).
  execFileSync(process.execPath, [BIN, 'embed', '--db', dbFile], { stdio: ['ignore', 'ignore', 'inherit'] });
  const { now, accounts } = addAccounts(dbFile);
  const app = createApp({ dbFile, port: 0 }, () => now);
  const poolStarted = performance.now();
  const first = await app.community.forYou({ id: accounts[0]!, email: '', createdAt: '', subscriberId: null }, now, 20);
  const poolMs = performance.now() - poolStarted;
  const times: number[] = [];
  let empty = 0;
  for (const id of accounts) {
    const started = performance.now();
    const result = await app.community.forYou({ id, email: '', createdAt: '', subscriberId: null }, now, 20);
    times.push(performance.now() - started);
    if (result.entries.length === 0) empty += 1;
  }
  app.close();
  times.sort((a, b) => a - b);
  const ms = (value: number) => Math.round(value * 100) / 100;
  console.log(JSON.stringify({
    users: USERS, follows: FOLLOWS, votes: VOTES, candidates: first.entries.length > 0 ? await candidates(dbFile, first.start, first.end) : 0, empty,
    pool_ms: ms(poolMs), avg_ms: ms(times.reduce((sum, time) => sum + time, 0) / times.length),
    p50_ms: ms(times[Math.floor(times.length * 0.5)]!), p99_ms: ms(times[Math.floor(times.length * 0.99)]!),
  }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** Adds the accounts with their follows and votes (votes on papers of the last month), seeded. */
function addAccounts(file: string): { now: Date; accounts: number[] } {
  const db = openSqlite(file);
  const newest = (db.prepare(`SELECT max(coalesce(featured_at, published)) AS at FROM papers`).get() as { at: string }).at;
  const now = new Date(Date.parse(newest.slice(0, 10)) + 86_400_000 + 8 * 3_600_000);
  const month = new Date(now.getTime() - 30 * 86_400_000).toISOString();
  const recent = (db.prepare(`SELECT id FROM papers WHERE coalesce(featured_at, published) > ? ORDER BY id`).all(month) as { id: string }[]).map((row) => row.id);
  const authors = (db.prepare(`SELECT json_extract(doc, '$.authors[0].name') AS name FROM papers ORDER BY published DESC LIMIT 500`).all() as { name: string }[]).map((row) => row.name);
  let seed = 42;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const store = new SqliteCommunityStore(db);
  const at = now.toISOString();
  const insertAccount = db.prepare(`INSERT INTO accounts (email, created_at) VALUES (?, ?)`);
  const accounts: number[] = [];
  db.exec('BEGIN');
  for (let index = 0; index < USERS; index++) {
    const id = Number(insertAccount.run(`reader${index}@example.org`, at).lastInsertRowid);
    accounts.push(id);
    const follows = new Map<string, Follow>();
    while (follows.size < FOLLOWS) {
      const roll = random();
      const follow: Follow = roll < 0.5 ? { kind: 'topic', query: pick(TOPICS) } : roll < 0.75 ? { kind: 'category', category: pick(CATEGORIES) } : { kind: 'author', name: pick(authors) };
      follows.set(followKey(follow), follow);
    }
    // Straight to the store's statements: the bench measures ranking, not a transaction per row.
    for (const [key, follow] of follows) void store.addFollow(id, key, follow, at, FOLLOWS);
    for (let n = 0; n < VOTES; n++) void store.vote(id, pick(recent), at);
  }
  db.exec('COMMIT');
  db.close();
  return { now, accounts };
}

async function candidates(file: string, start: string, end: string): Promise<number> {
  const db = openSqlite(file);
  const n = (db.prepare(`SELECT count(*) AS n FROM papers WHERE coalesce(featured_at, published) > ? AND coalesce(featured_at, published) <= ? AND withdrawn = 0`).get(start, end) as { n: number }).n;
  db.close();
  return n;
}
