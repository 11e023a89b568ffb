/**
 * Several `paperfeed serve` processes on one database, as issue 7 runs them: recurring jobs are
 * sent by every node and run once, and every subscriber gets exactly one digest through a real
 * SMTP peer. The database is a parameter: each backend says how a node reaches it and how the
 * test seeds it through the app.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createApp, type App } from '../../src/app.js';
import type { AppConfig } from '../../src/config.js';
import { DEFAULT_PREFERENCES } from '../../src/digest/subscription.js';
import { startSmtpSink, type SmtpSink } from '../mail/smtp-sink.js';
import pg from 'pg';
import { testDatabaseUrl } from '../postgres.js';
import { tempDir } from '../support.js';
import { browser, featured, linkIn, seed } from '../digest/support.js';
import { replayServer } from '../ingest/network.js';
import { readFileSync } from 'node:fs';
import { fixture } from '../support.js';

const BIN = fileURLToPath(new URL('../../bin/paperfeed.js', import.meta.url));
const SUBSCRIBERS = 8;

/** A database that nodes share: the flags and environment that point a node at it. */
interface Backend {
  name: string;
  setup(): Promise<{ config: AppConfig; args: string[]; env: Record<string, string>; cleanup: () => Promise<void> }>;
}

const sqlite: Backend = {
  name: 'one SQLite file',
  async setup() {
    const { dir, cleanup } = tempDir();
    const dbFile = join(dir, 'paperfeed.db');
    return { config: { dbFile, port: 0 }, args: ['--db', dbFile], env: { PAPERFEED_OUTBOX: join(dir, 'outbox') }, cleanup: async () => cleanup() };
  },
};

/**
 * A fresh database on the test server (a schema per test cannot be handed to a `serve`
 * process), dropped afterwards; the outbox folder is unused, mail goes to the sink.
 */
const postgres: Backend = {
  name: 'PostgreSQL',
  async setup() {
    const server = await testDatabaseUrl();
    const name = `nodes_${process.pid}_${Date.now()}`;
    const admin = async (sql: string) => {
      const client = new pg.Client({ connectionString: server });
      await client.connect();
      try { await client.query(sql); } finally { await client.end(); }
    };
    await admin(`CREATE DATABASE ${name}`);
    const url = new URL(server);
    url.pathname = `/${name}`;
    const { dir, cleanup } = tempDir();
    return {
      config: { dbFile: join(dir, 'paperfeed.db'), databaseUrl: url.toString(), port: 0 },
      args: [],
      env: { PAPERFEED_DATABASE_URL: url.toString(), PAPERFEED_OUTBOX: join(dir, 'outbox') },
      cleanup: async () => { await admin(`DROP DATABASE ${name} WITH (FORCE)`); cleanup(); },
    };
  },
};

/** The backends the multi-node tests run on. */
const BACKENDS: Backend[] = [sqlite, postgres];

/** One `paperfeed serve` process and what it printed. */
class Node {
  readonly process: ChildProcess;
  log = '';
  readonly exited: Promise<NodeJS.Signals | number | null>;

  constructor(role: 'web' | 'worker' | 'all', args: string[], env: Record<string, string>) {
    this.process = spawn(process.execPath, [BIN, 'serve', '--role', role, '--port', '0', ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.process.stderr!.on('data', (chunk) => { this.log += chunk; });
    this.exited = new Promise((resolve) => this.process.on('exit', (code, signal) => resolve(signal ?? code)));
  }

  /** Where this node serves, once it says so. */
  async origin(): Promise<string> {
    await eventually(() => /on http:\/\/localhost:\d+/.test(this.log), 30_000, () => this.log);
    return /on (http:\/\/localhost:\d+)/.exec(this.log)![1]!;
  }

  /** The digest runs this node reported (runs that sent nothing report nothing). */
  digestRuns(): { sent: number }[] {
    return [...this.log.matchAll(/^digest: (\{.*\})$/gm)].map((match) => JSON.parse(match[1]!) as { sent: number });
  }

  async stop(): Promise<void> {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill('SIGTERM');
    await this.exited;
  }
}

/** Papers to send, and subscribers due now (daily at 00:00 UTC), made through the app itself. */
async function seedSite(app: App): Promise<void> {
  await seed(app, [featured('2611.00001', '2026-11-27', 30), featured('2611.00002', '2026-11-27', 20)]);
  const now = new Date();
  for (let index = 0; index < SUBSCRIBERS; index++) {
    const email = `reader${index}@example.org`;
    await app.digests.subscribe(email, now, 'UTC');
    const subscriber = (await app.digests.subscriptionOf(email))!;
    const links = await app.digests.links(subscriber, now);
    await app.digests.confirm(links.confirm.split('/').at(-1)!, now);
    await app.digests.updatePreferences(links.manage.split('/').at(-1)!, { ...DEFAULT_PREFERENCES, hour: 0 }, now);
  }
}

async function eventually(check: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`not reached within ${timeoutMs} ms: ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function recipients(sink: SmtpSink): string[] {
  return sink.received.map((message) => message.to[0]!).sort();
}

const everyone = Array.from({ length: SUBSCRIBERS }, (_, index) => `reader${index}@example.org`).sort();

/**
 * A seeded site on a fresh database of `backend` and an SMTP sink; `scenario` starts nodes into
 * `nodes`, which are stopped afterwards, whatever happened.
 */
async function onSite(
  backend: Backend, sinkOptions: Parameters<typeof startSmtpSink>[0],
  scenario: (site: { args: string[]; env: Record<string, string>; sink: SmtpSink; nodes: Node[] }) => Promise<void>,
): Promise<void> {
  const db = await backend.setup();
  const nodes: Node[] = [];
  let sink: SmtpSink | undefined;
  try {
    const app = createApp(db.config);
    try {
      await seedSite(app);
    } finally {
      await app.close();
    }
    sink = await startSmtpSink(sinkOptions);
    const env = { ...db.env, PAPERFEED_SMTP_URL: sink.url, PAPERFEED_BASE_URL: 'http://paperfeed.test', PAPERFEED_MAIL_CONCURRENCY: '1' };
    await scenario({ args: db.args, env, sink, nodes });
  } finally {
    await Promise.all(nodes.map((node) => node.stop()));
    await sink?.close();
    await db.cleanup();
  }
}

for (const backend of BACKENDS) {
  describe(`several nodes on ${backend.name}`, () => {
    test('a web node and two full nodes: digest runs on the full nodes only, each subscriber gets one email', async () => {
      await onSite(backend, {}, async ({ args, env, sink, nodes }) => {
        nodes.push(new Node('web', args, env), new Node('all', args, env), new Node('all', args, env));
        const logs = () => nodes.map((node) => node.log).join('\n---\n');
        await eventually(() => sink.received.length >= SUBSCRIBERS, 60_000, logs);
        // Long enough for every node to have ticked and polled several times more.
        await new Promise((resolve) => setTimeout(resolve, 8000));
        assert.deepEqual(recipients(sink), everyone, 'each subscriber exactly once');
        // One run usually sends everything; on a loaded machine the next minute's run may start
        // before it ends and take some subscribers, but none twice.
        const runs = nodes.flatMap((node) => node.digestRuns());
        assert.equal(runs.reduce((sum, run) => sum + run.sent, 0), SUBSCRIBERS, `the runs sent each subscriber once:\n${logs()}`);
        assert.deepEqual(nodes[0]!.digestRuns(), [], 'the web node runs no jobs');
      });
    });

    test('two web nodes and a worker killed mid-run, then restarted: each subscriber gets exactly one digest', async () => {
      let worker: Node | undefined;
      // The fourth message: kill the worker while it waits for our answer to its DATA, so that
      // subscriber's claim is left held by a dead node.
      const reply = ({ index }: { index: number }) => {
        if (index !== 3) return undefined;
        worker!.process.kill('SIGKILL');
        return 'hang' as const;
      };
      await onSite(backend, { reply }, async ({ args, env: siteEnv, sink, nodes }) => {
        // Short periods, so the test sees the next tick and the dead node's claim running out.
        const env = { ...siteEnv, PAPERFEED_DIGEST_EVERY: '10s', PAPERFEED_DIGEST_LEASE: '10' };
        worker = new Node('worker', args, env);
        nodes.push(new Node('web', args, env), new Node('web', args, env), worker);
        assert.equal(await worker.exited, 'SIGKILL');
        assert.equal(sink.received.length, 3);
        nodes.push(new Node('worker', args, env));
        const logs = () => nodes.map((node) => node.log).join('\n---\n');
        await eventually(() => sink.received.length >= SUBSCRIBERS, 90_000, logs);
        await new Promise((resolve) => setTimeout(resolve, 12_000));
        assert.deepEqual(recipients(sink), everyone, 'each subscriber exactly once');
      });
    });

    test('a vote cast on one web node shows on the other', async () => {
      await onSite(backend, {}, async ({ args, env: siteEnv, sink, nodes }) => {
        const env = { ...siteEnv, PAPERFEED_DIGEST_EVERY: 'off' };
        nodes.push(new Node('web', args, env), new Node('web', args, env));
        const [one, two] = await Promise.all(nodes.map((node) => node.origin()));
        // Signed in with the first node's form and the emailed link opened on the second: sessions
        // and the CSRF secret live in the database.
        const client = browser(one!);
        await client.get('/signin');
        assert.equal((await client.post('/signin', { email: 'voter@example.org' })).status, 200);
        const [mail] = await sink.waitFor(1);
        const link = linkIn(mail!.parsed!.text!, 'http://paperfeed.test/signin/').replace('http://paperfeed.test', two!);
        await client.get(link);
        assert.equal((await client.post(link)).status, 303);
        const votesShown = async (origin: string) => /▲ (\d+)<\/span> on paperfeed/.exec(await (await fetch(`${origin}/papers/2611.00001`)).text())?.[1];
        assert.equal(await votesShown(two!), '0');
        const vote = await client.request('POST', `${one}/api/v1/papers/2611.00001/vote`, undefined, { 'x-csrf-token': client.csrf() });
        assert.equal(vote.status, 200, vote.body);
        assert.equal(await votesShown(two!), '1', 'the other node shows the vote at once, though it had the page cached');
      });
    });

    test('a harvest killed on one worker resumes on another from the page it stopped at', async () => {
      let first: Node | undefined;
      const page = (name: string) => ({ status: 200, body: readFileSync(fixture('oai-pmh', 'harvest', name)) });
      const server = await replayServer((url) => {
        const token = url.searchParams.get('resumptionToken');
        if (token === null) return page('listrecords-1.xml');
        // The first worker dies asking for the second page, after storing its place.
        if (first!.process.exitCode === null && first!.process.signalCode === null) {
          first!.process.kill('SIGKILL');
          return { status: 503, body: 'gone' };
        }
        return { '7251840|3': page('listrecords-2.xml'), '7251840|7': page('listrecords-3.xml') }[token] ?? { status: 404, body: 'no' };
      });
      try {
        await onSite(backend, {}, async ({ args, env: siteEnv, nodes }) => {
          const env = { ...siteEnv, PAPERFEED_DIGEST_EVERY: 'off', PAPERFEED_HARVEST: 'math', PAPERFEED_OAI_URL: `${server.baseUrl}/oai2`, PAPERFEED_HARVEST_EVERY: '10s' };
          first = new Node('worker', args, env);
          nodes.push(first);
          assert.equal(await first.exited, 'SIGKILL');
          const second = new Node('worker', args, env);
          nodes.push(second);
          await eventually(() => /^harvest: \{/m.test(second.log), 60_000, () => second.log);
          assert.deepEqual(JSON.parse(/^harvest: (\{.*\})$/m.exec(second.log)![1]!), { read: 4, added: 4, updated: 0, unchanged: 0, skipped: 0 });
          const tokens = server.requests.map((path) => new URL(path, server.baseUrl).searchParams.get('resumptionToken'));
          assert.deepEqual(tokens.slice(0, 4), [null, '7251840|3', '7251840|3', '7251840|7']);
          // On a slow machine the next 10-second run may have started since: a new harvest, from the start.
          assert.ok(tokens.length === 4 || tokens[4] === null, `requests after the resumed harvest: ${JSON.stringify(tokens)}`);
        });
      } finally {
        await server.close();
      }
    });
  });
}
