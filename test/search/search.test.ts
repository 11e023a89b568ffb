import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { importSource } from '../../src/catalog/import.js';
import { PaperfeedError } from '../../src/errors.js';
import { openFileSource } from '../../src/ingest/formats.js';
import type { SearchQuery } from '../../src/search/types.js';
import { fixture, runCli, tempApp } from '../support.js';

let app: ReturnType<typeof tempApp>;

before(async () => {
  app = tempApp();
  const { files, open } = await openFileSource('snapshot', [fixture('snapshot')]);
  await importSource(app.store, open(files));
});
after(() => app.cleanup());

const ids = async (text: string, rest: Partial<SearchQuery> = {}) =>
  (await app.search.search({ text, limit: 100, ...rest })).items.map((item) => item.paper.id).sort();

const DIPOLE = ['0704.0033', '0704.0035', '0704.0037', '0704.0038'];

test('a phrase finds the papers that contain it', async () => {
  assert.deepEqual(await ids('"discrete dipole approximation"'), DIPOLE);
});

test('exclusion, prefix, OR and fields select concrete papers', async () => {
  assert.deepEqual(await ids('"discrete dipole approximation" -overview'), ['0704.0033', '0704.0035', '0704.0037']);
  assert.ok((await ids('ti:spectroscop*')).includes('0704.0017'));
  assert.ok((await ids('ti:spectroscop*')).includes('0704.0025'));
  assert.deepEqual(await ids('ti:graphene OR ti:pfaffians'), ['0704.0027', '0704.0028']);
  assert.deepEqual(await ids('au:Yurkin'), DIPOLE);
  assert.deepEqual(await ids('dipole cat:physics.optics ti:overview'), ['0704.0038']);
});

test('stemming: a query word finds its other forms', async () => {
  assert.ok((await ids('ti:approximations')).includes('0704.0033'));
});

test('filters: category or archive, date range, has-code; applied before the page', async () => {
  assert.deepEqual(await ids('dipole', { filters: { categories: ['physics.optics'] } }), DIPOLE);
  assert.deepEqual(await ids('dipole', { filters: { categories: ['math'] } }), []);
  const combinatorics = await ids('', { filters: { categories: ['math.CO'] } });
  assert.ok(combinatorics.includes('0704.0002') && combinatorics.includes('0704.0004') && combinatorics.includes('0704.0010'));
  const math = await app.search.search({ text: '', filters: { categories: ['math'] }, limit: 5 });
  assert.ok(math.total > combinatorics.length);
  const march = await app.search.search({ text: '', filters: { from: '2007-03-31', to: '2007-03-31' }, limit: 100 });
  assert.ok(march.total > 0 && march.items.every((item) => item.paper.published.startsWith('2007-03-31')));
  assert.equal((await app.search.search({ text: 'dipole', filters: { hasCode: true } })).total, 0);
});

test('sort by date, and pages that follow each other without overlap', async () => {
  const byDate = await app.search.search({ text: '', sort: 'date', limit: 50 });
  const dates = byDate.items.map((item) => item.paper.published);
  assert.deepEqual(dates, [...dates].sort().reverse());
  const first = await app.search.search({ text: 'quantum', limit: 5 });
  const second = await app.search.search({ text: 'quantum', limit: 5, cursor: first.nextCursor! });
  assert.equal(first.items.length, 5);
  assert.ok(second.items.length > 0);
  assert.equal(new Set([...first.items, ...second.items].map((item) => item.paper.id)).size, first.items.length + second.items.length);
});

test('a short word list that no paper matches in full is followed by partial matches', async () => {
  const result = await app.search.search({ text: 'graphene pfaffians', limit: 10 });
  assert.deepEqual(result.items.map((item) => item.paper.id).sort(), ['0704.0027', '0704.0028']);
});

test('snippets: structured segments that rebuild the text, matches marked', async () => {
  const [hit] = (await app.search.search({ text: 'ti:graphene phonons' })).items;
  assert.equal(hit!.paper.id, '0704.0027');
  assert.equal(hit!.snippet.title.map((s) => s.text).join(''), hit!.paper.title);
  assert.deepEqual(hit!.snippet.title.filter((s) => s.match).map((s) => s.text), ['Graphene']);
  const abstract = hit!.snippet.abstract.map((s) => s.text).join('');
  assert.ok(hit!.snippet.abstract.some((s) => s.match && s.text === 'phonon'));
  assert.ok(!hit!.snippet.abstract.some((s) => s.match && /graphene/i.test(s.text)), 'ti: words are marked in the title only');
  assert.ok(abstract.replace(/^… | …$/g, '').length > 0 && hit!.paper.abstract.includes(abstract.replace(/^… /, '').replace(/ …$/, '')));
});

test('bad requests are bad_input naming the field, never a crash', async () => {
  const rejects = (query: SearchQuery, field: RegExp) =>
    assert.rejects(app.search.search(query), (error: unknown) => error instanceof PaperfeedError && error.code === 'bad_input' && field.test(error.message));
  await rejects({ text: 'x', limit: 0 }, /^limit/);
  await rejects({ text: 'x', cursor: 'garbage' }, /^cursor/);
  await rejects({ text: 'x', filters: { categories: [`'; DROP TABLE papers; --`] } }, /^filters\.categories/);
  await rejects({ text: 'x', filters: { from: '2007-13-45' } }, /^filters\.from/);
  await rejects({ text: 'x'.repeat(10_240) }, /too long/);
  await rejects({ text: 'x', sort: 'popular' as never }, /^sort/);
  for (const text of [`'; DROP TABLE papers; --`, '"', '(', ')', 'OR', '*', 'NEAR(', '🙂🙂', 'x\u0000y', 'a:b:c', '"" OR ""']) {
    await app.search.search({ text });
  }
  assert.equal(await app.store.countPapers(), 200);
});

test('CLI: paperfeed search --json prints ranked results, then the total', async () => {
  const result = await runCli(['search', '--db', app.dbFile, '--json', '--limit', '3', '--category', 'physics.optics', 'dipole approximation']);
  assert.equal(result.code, 0, result.err.join('\n'));
  const lines = result.out.map((line) => JSON.parse(line));
  assert.deepEqual(lines.slice(0, 3).map((line) => line.rank), [1, 2, 3]);
  assert.ok(lines.slice(0, 3).every((line) => DIPOLE.includes(line.id)));
  assert.deepEqual(lines.at(-1), { total: 4 });
  const bad = await runCli(['search', '--db', app.dbFile, '--', '-video']);
  assert.equal(bad.code, 4);
  assert.match(bad.err.join('\n'), /only excludes/);
  assert.equal((await runCli(['search', '--db', app.dbFile, '--sort', 'x', 'a'])).code, 2);
});
