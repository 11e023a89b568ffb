import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import type { Paper } from '../../src/catalog/paper.js';
import { openPostgres } from '../../src/store/postgres/database.js';
import { PostgresCatalogStore } from '../../src/store/postgres/catalog-store.js';
import { MIGRATIONS } from '../../src/store/postgres/migrations.js';
import { dropSchema, freshSchema, testDatabaseUrl } from '../postgres.js';
import { fixture, runCli } from '../support.js';

const paper = (id: string, title: string, abstract: string, author = 'A. Author'): Paper => ({
  id, title, abstract, authors: [{ name: author }], categories: ['cs.LG'], withdrawn: false,
  versions: [{ version: 1, date: '2025-03-12T00:00:00.000Z' }], published: '2025-03-12T00:00:00.000Z', updated: '2025-03-12T00:00:00.000Z',
  provenance: {}, sources: [],
});

test('the weighted full-text vector ranks title over authors over abstract, and follows the committed papers', async () => {
  const url = await testDatabaseUrl();
  const schema = freshSchema();
  const db = openPostgres(url, { schema });
  const store = new PostgresCatalogStore(db);
  const match = async (query: string) => (await db.executeSql<{ id: string }>(
    `SELECT p.id FROM papers p JOIN paper_search s ON s.paper_rowid = p.rowid WHERE s.search @@ websearch_to_tsquery('english', $1)
     ORDER BY ts_rank_cd(s.search, websearch_to_tsquery('english', $1)) DESC, p.id`, [query])).map((row) => row.id);
  const write = (...papers: Paper[]) => store.writeBatch({ papers, absorbed: [], signals: [], fingerprints: [] });
  const otherNode = openPostgres(url, { schema });
  try {
    await write(
      paper('2503.00001', 'Graph networks', 'We study diffusion on graphs.'),
      paper('2503.00002', 'Diffusion models for text', 'Language generation.'),
      paper('2503.00003', 'Sparse attention', 'Long contexts.', 'Diffusion Smith'),
    );
    await store.settle();
    // Stemmed ("diffusing" finds "diffusion"); the title hit first, then the author, then the abstract.
    assert.deepEqual(await match('diffusing'), ['2503.00002', '2503.00003', '2503.00001']);
    assert.deepEqual(await match('"language generation"'), ['2503.00002']);

    // The vectors follow committed changes only: a rolled-back update leaves the old text searchable.
    await assert.rejects(store.transaction(async () => {
      await write(paper('2503.00001', 'Graph networks', 'Spectral methods.'));
      throw new Error('roll back');
    }), /roll back/);
    await store.settle();
    assert.deepEqual(await match('spectral'), []);
    assert.deepEqual(await match('graphs'), ['2503.00001']);

    // Any node brings them up to date: another node's settle sees this one's writes, and a paper
    // that is gone (absorbed) loses its vector.
    await write(paper('2503.00001', 'Graph networks', 'Spectral methods.'));
    await store.writeBatch({ papers: [], absorbed: [{ id: '2503.00003', into: '2503.00002' }], signals: [], fingerprints: [] });
    await new PostgresCatalogStore(otherNode).settle();
    assert.deepEqual(await match('spectral'), ['2503.00001']);
    assert.deepEqual(await match('sparse'), []);
  } finally {
    await otherNode.close();
    await db.close();
    await dropSchema(url, schema);
  }
});

test('migration catalog-3 moves the vectors of an existing catalog out of the paper rows, and the follower starts after them', async () => {
  const url = await testDatabaseUrl();
  const schema = freshSchema();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const db = openPostgres(url, { schema });
  try {
    // A catalog as the release before catalog-3 left it, with one paper in it.
    await client.query(`CREATE SCHEMA ${schema}; SET search_path = ${schema}`);
    await client.query('CREATE TABLE migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    for (const migration of MIGRATIONS.slice(0, MIGRATIONS.findIndex((m) => m.name === 'catalog-3'))) {
      await client.query(migration.sql);
      await client.query('INSERT INTO migrations (name) VALUES ($1)', [migration.name]);
    }
    const { id, ...doc } = paper('2503.00001', 'Graph networks', 'We study diffusion on graphs.');
    await client.query(`INSERT INTO papers (id, title_key, published, updated, doc) VALUES ($1, 'graph networks', now(), now(), $2)`, [id, doc]);
    await client.query(`INSERT INTO changes (paper_id, paper_rowid, kind) SELECT id, rowid, 'added' FROM papers`);

    const [row] = await db.executeSql<{ id: string; applied: string }>(
      `SELECT p.id, (SELECT applied_seq FROM fulltext_position) AS applied FROM papers p JOIN paper_search s ON s.paper_rowid = p.rowid
       WHERE s.search @@ to_tsquery('english', 'diffusion')`);
    assert.deepEqual(row, { id: '2503.00001', applied: '1' });
  } finally {
    await client.end();
    await db.close();
    await dropSchema(url, schema);
  }
});

test('the CLI imports, searches, embeds and runs digests on the server PAPERFEED_DATABASE_URL names', async () => {
  const server = await testDatabaseUrl();
  const name = freshSchema();
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  const saved = process.env.PAPERFEED_DATABASE_URL;
  process.env.PAPERFEED_DATABASE_URL = url.toString();
  try {
    const first = await runCli(['import', '--format', 'daily-jsonl', '--json', fixture('daily-jsonl')]);
    assert.equal(first.code, 0, first.err.join('\n'));
    assert.deepEqual(JSON.parse(first.out.at(-1)!), { read: 6, added: 3, updated: 2, unchanged: 1, skipped: 0 });
    const again = await runCli(['import', '--format', 'daily-jsonl', '--json', fixture('daily-jsonl')]);
    assert.deepEqual(JSON.parse(again.out.at(-1)!), { read: 6, added: 0, updated: 0, unchanged: 6, skipped: 0 });
    const stats = await runCli(['stats', '--json']);
    assert.equal(JSON.parse(stats.out[0]!).papers, 3);

    const search = await runCli(['search', 'diphoton', '--json']);
    assert.equal(search.code, 0, search.err.join('\n'));
    assert.deepEqual(search.out.map((line) => JSON.parse(line) as { id?: string; total?: number }).map((row) => row.id ?? row.total), ['0704.0001', 1]);
    const embed = await runCli(['embed']);
    assert.equal(embed.code, 0, embed.err.join('\n'));
    const similar = await runCli(['similar', '0704.0001', '--json']);
    assert.equal(similar.code, 0, similar.err.join('\n'));
    assert.deepEqual(similar.out.map((line) => (JSON.parse(line) as { id: string }).id).sort(), ['0704.0002', '0704.0156']);

    const digest = await runCli(['digest', 'run', '--dry-run']);
    assert.equal(digest.code, 0, digest.err.join('\n'));

    process.env.PAPERFEED_DATABASE_URL = 'mysql://localhost/x';
    assert.equal((await runCli(['stats'])).code, 2);
  } finally {
    if (saved === undefined) delete process.env.PAPERFEED_DATABASE_URL;
    else process.env.PAPERFEED_DATABASE_URL = saved;
    await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
    await admin.end();
  }
});

test('an unreachable server is a usage error naming it without the password', async () => {
  const db = openPostgres('postgres://paperfeed:secret@127.0.0.1:1/paperfeed');
  try {
    await assert.rejects(new PostgresCatalogStore(db).countPapers(), (error: Error) =>
      error.name === 'PaperfeedError' && /cannot use postgres:\/\/paperfeed@127\.0\.0\.1:1\/paperfeed/.test(error.message) && !error.message.includes('secret'));
  } finally {
    await db.close();
  }
});
