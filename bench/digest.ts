/**
 * Digest delivery throughput: 10,000 subscribers with varied follows, time zones and sizes over
 * a real catalog, delivered over SMTP to a local sink (smtp-server in a child process, so the
 * sink's work is not charged to the sender).
 *
 *   npm run bench:digest -- <arxiv-daily data dir>     imports it into a temporary catalog first (~40 s)
 *   npm run bench:digest -- --db <paperfeed.db>        copies an existing catalog instead
 *
 * Prints one JSON line: {"subscribers","sent","empty","emails_per_s","peak_rss_mb","seconds","cpu_seconds"}.
 * Peak RSS is this process's (the sender's), from the import's end to the run's.
 */
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { createApp } from '../src/app.js';
import { BENCH_TOPICS } from './support.js';
import { localTime } from '../src/digest/schedule.js';
import type { Preferences } from '../src/digest/subscription.js';
import type { Follow } from '../src/follows/follow.js';
import { openSqlite } from '../src/store/sqlite/database.js';
import { fulltextFileOf } from '../src/store/sqlite/fulltext.js';
import { SqliteDigestStore } from '../src/store/sqlite/digest-store.js';

const SUBSCRIBERS = 10_000;
const TOPICS = BENCH_TOPICS.slice(0, 24);
const CATEGORIES = ['cs.CV', 'cs.CL', 'cs.AI', 'cs.LG', 'cs.IT', 'cs.GT', 'cs.GR', 'cs.RO', 'cs'];
const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'America/Los_Angeles', 'Asia/Tokyo', 'Asia/Kolkata', 'Australia/Sydney', 'America/Sao_Paulo'];
const BIN = fileURLToPath(new URL('../bin/paperfeed.js', import.meta.url));

if (process.argv.includes('--sink')) {
  await runSink();
} else {
  await bench();
}

/** The sink: accepts everything, parses nothing, prints its URL, exits on SIGTERM. */
async function runSink(): Promise<void> {
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false,
    onData(stream, _session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => callback());
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.stdout.write(`smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}\n`);
  process.once('SIGTERM', () => server.close(() => process.exit(0)));
}

async function bench(): Promise<void> {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { db: { type: 'string' } } });
  if (!values.db && positionals.length !== 1) throw new Error('usage: bench/digest.ts <arxiv-daily data dir> | --db <paperfeed.db>');
  const dir = mkdtempSync(join(tmpdir(), 'paperfeed-bench-digest-'));
  const dbFile = join(dir, 'paperfeed.db');
  const sink = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--sink'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    if (values.db) {
      copyFileSync(values.db, dbFile);
      // Without its full-text index the app would rebuild it in the background during the run.
      if (existsSync(fulltextFileOf(values.db))) copyFileSync(fulltextFileOf(values.db), fulltextFileOf(dbFile));
    }
    else execFileSync(process.execPath, [BIN, 'import', '--db', dbFile, '--format', 'daily-jsonl', positionals[0]!], { stdio: ['ignore', 'ignore', 'inherit'] });
    const smtpUrl = await new Promise<string>((resolve) => sink.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim())));

    const now = await addSubscribers(dbFile);
    const app = createApp({
      dbFile, port: 0,
      mail: { smtpUrl, from: 'paperfeed <digest@paperfeed.test>', baseUrl: 'https://paperfeed.test', outboxDir: join(dir, 'outbox'), rate: 0, concurrency: 8 },
    });
    // rss() alone: the full memoryUsage() walks the heap spaces, which every 20 ms costs the run measurably.
    let peak = process.memoryUsage.rss();
    const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); }, 20);
    const started = performance.now();
    const cpuStart = process.cpuUsage();
    const summary = await app.digests.run(now);
    const seconds = (performance.now() - started) / 1000;
    // CPU time (all threads of the sender) as well as wall time, since a shared machine makes the latter noisy.
    const cpu = process.cpuUsage(cpuStart);
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage.rss());
    app.close();
    if (summary.sent + summary.empty !== SUBSCRIBERS) throw new Error(`not every subscriber was handled: ${JSON.stringify(summary)}`);
    console.log(JSON.stringify({
      subscribers: SUBSCRIBERS, sent: summary.sent, empty: summary.empty,
      emails_per_s: Math.round(summary.sent / seconds), peak_rss_mb: Math.round(peak / 1048576), seconds: Math.round(seconds * 10) / 10,
      cpu_seconds: Math.round((cpu.user + cpu.system) / 100_000) / 10,
    }));
  } finally {
    sink.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Adds the subscribers, each due at the same instant (the day after the newest paper) in their
 * own zone: 0–3 topics, 0–2 categories, maybe an author, trending or not, 5–50 papers.
 */
async function addSubscribers(dbFile: string): Promise<Date> {
  const db = openSqlite(dbFile);
  const newest = (db.prepare(`SELECT max(coalesce(featured_at, published)) AS at FROM papers`).get() as { at: string }).at;
  const now = new Date(Date.parse(newest.slice(0, 10)) + 86_400_000 + 8 * 3_600_000);
  const authors = (db.prepare(`SELECT json_extract(doc, '$.authors[0].name') AS name FROM papers ORDER BY published DESC LIMIT 300`).all() as { name: string }[]).map((row) => row.name);
  let seed = 42;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const store = new SqliteDigestStore(db);
  db.exec('BEGIN');
  for (let index = 0; index < SUBSCRIBERS; index++) {
    const follows: Follow[] = [];
    for (let n = Math.floor(random() * 4); n > 0; n--) follows.push({ kind: 'topic', query: pick(TOPICS) });
    for (let n = Math.floor(random() * 3); n > 0; n--) follows.push({ kind: 'category', category: pick(CATEGORIES) });
    if (random() < 0.3) follows.push({ kind: 'author', name: pick(authors) });
    const timeZone = pick(ZONES);
    const prefs: Preferences = {
      frequency: 'daily', weekday: 'monday', hour: localTime(now, timeZone).hour, timeZone,
      size: 5 + Math.floor(random() * 46), trending: follows.length === 0 || random() < 0.5, follows,
    };
    const subscriber = await store.addSubscriber({ key: `bench-${index}`, email: `reader${index}@example.org`, status: 'pending', prefs, createdAt: now.toISOString(), hardBounces: 0 });
    await store.updateSubscriber(subscriber.id, { status: 'active' });
  }
  db.exec('COMMIT');
  db.close();
  return now;
}
