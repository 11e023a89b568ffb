import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { PaperfeedError } from '../../src/errors.js';
import { arxivApi, arxivApiFiles, type ArxivApiOptions } from '../../src/ingest/arxiv-api.js';
import { collect, fixture } from './collect.js';
import { fakeClock, queryKey, replayServer, type ReplayServer } from './network.js';

interface Recording {
  url: string;
  status_code: number;
  body: string;
}

// arXiv's sort options do not change which recording answers.
const REQUEST_PARAMS = ['search_query', 'id_list', 'start', 'max_results'];
const requestKey = (params: URLSearchParams) => queryKey(new URLSearchParams(REQUEST_PARAMS.map((name) => [name, params.get(name) ?? ''])));

let server: ReplayServer;
before(async () => {
  const folder = fixture('arxiv-api/recorded');
  const recordings = new Map<string, Recording>();
  for (const name of readdirSync(folder).filter((n) => n.endsWith('.json'))) {
    const recording = JSON.parse(readFileSync(join(folder, name), 'utf8')) as Recording;
    recordings.set(requestKey(new URL(recording.url).searchParams), recording);
  }
  server = await replayServer((url) => {
    const recording = recordings.get(requestKey(url.searchParams));
    if (!recording) return { status: 404, body: `not recorded: ${url.search}` };
    // The recorder decoded arXiv's UTF-8 as latin-1 ("WÃ¼bben"); encoding back as latin-1 gives arXiv's bytes.
    return { status: recording.status_code, headers: { 'content-type': 'application/atom+xml; charset=utf-8' }, body: Buffer.from(recording.body, 'latin1') };
  });
});
after(() => server.close());

function api(overrides: Partial<ArxivApiOptions>) {
  server.requests.length = 0;
  const clock = fakeClock('2026-04-12T22:00:00Z');
  return { clock, source: arxivApi({ baseUrl: server.baseUrl, clock, ...overrides }) };
}

const requested = () => server.requests.map((path) => new URL(path, server.baseUrl).searchParams);

test('one id: concrete fields, names decoded as UTF-8, and the request arXiv documents', async () => {
  const { source } = api({ ids: ['1707.08567'] });
  const { records, errors } = await collect(source);
  assert.deepEqual(errors, []);
  assert.equal(records.length, 1);
  const [record] = records;
  assert.equal(record!.source, 'arxiv-api');
  assert.equal(record!.id, '1707.08567');
  assert.equal(record!.version, 1);
  assert.deepEqual(record!.versions, [{ version: 1, date: '2017-07-27T08:18:33.000Z' }]);
  assert.equal(record!.observedAt, '2026-04-12T22:10:26.000Z');
  assert.equal(record!.ref, `${server.baseUrl}/api/query?search_query=&id_list=1707.08567&start=0&max_results=100#http://arxiv.org/abs/1707.08567v1`);
  assert.equal(record!.fields.title, 'Proceedings of Workshop AEW10: Concepts in Information Theory and Communications');
  assert.equal(record!.fields.authors!.length, 34);
  assert.deepEqual(record!.fields.authors![0], { name: 'Kees A. Schouhamer Immink' });
  assert.ok(record!.fields.authors!.some((a) => a.name === 'Dirk Wübben'));
  assert.deepEqual(record!.fields.categories, ['cs.IT']);
  assert.equal(record!.fields.comments, '44 pages, editors for the proceedings: Yanling Chen and A. J. Han Vinck');
  assert.equal(record!.fields.withdrawn, false);
  assert.deepEqual(server.requests, ['/api/query?search_query=&id_list=1707.08567&start=0&max_results=100']);
});

test('an old-style id with affiliations and a journal reference', async () => {
  const { records } = await collect(api({ ids: ['astro-ph/0601001'] }).source);
  assert.equal(records[0]!.id, 'astro-ph/0601001');
  assert.deepEqual(records[0]!.fields.authors!.slice(0, 2), [
    { name: 'Andrew Gould', affiliations: ['Ohio State'] },
    { name: 'Susan Dorsher', affiliations: ['Ohio State'] },
  ]);
  assert.equal(records[0]!.fields.journalRef, 'ActaAstron.56:1-50,2006');
  assert.deepEqual(records[0]!.fields.categories, ['astro-ph']);
});

test('a query pages by start and max_results, 3 s apart, and stops at maxResults', async () => {
  const { clock, source } = api({ query: 'testing', pageSize: 10, maxResults: 30 });
  const { records, errors } = await collect(source);
  assert.deepEqual(errors, []);
  assert.equal(records.length, 30);
  assert.deepEqual(requested().map((p) => [p.get('search_query'), p.get('start'), p.get('max_results')]), [
    ['testing', '0', '10'],
    ['testing', '10', '10'],
    ['testing', '20', '10'],
  ]);
  assert.deepEqual(clock.sleeps, [3000, 3000]);

  const first = records[0]!;
  assert.equal(first.id, '2202.12139');
  // arxiv:primary_category first, then the <category> terms without repeating it.
  assert.deepEqual(first.fields.categories, ['cs.SE', 'cs.LG']);
  assert.equal(first.fields.doi, '10.1109/ICSTW55395.2022.00035');
  assert.match(first.fields.journalRef!, /^Artificial Intelligence in Software Testing @ 2022 IEEE/);

  // A second version: published dates v1, updated dates v2.
  const revised = records.find((r) => r.id === '2005.14124')!;
  assert.equal(revised.version, 2);
  assert.deepEqual(revised.versions, [
    { version: 1, date: '2020-05-28T16:19:50.000Z' },
    { version: 2, date: '2020-07-16T08:15:48.000Z' },
  ]);
});

test("arXiv's HTTP 400 error feed is a bad_input error with arXiv's own message", async () => {
  await assert.rejects(collect(api({ ids: ['abc'] }).source), (error: unknown) => {
    assert.ok(error instanceof PaperfeedError);
    assert.equal(error.code, 'bad_input');
    assert.equal(error.message, 'arXiv API rejected the query: incorrect id format for abc');
    assert.equal(error.details.status, 400);
    return true;
  });
});

test('ids arXiv does not know are error items; the others still come', async () => {
  const both = await collect(api({ ids: ['0808.05394', '1707.08567'] }).source);
  assert.deepEqual(both.records.map((r) => r.id), ['1707.08567']);
  assert.deepEqual(both.errors.map((e) => e.reason), ['arXiv has no paper 0808.05394']);
  assert.equal(server.requests.length, 1, 'both ids go in one request');

  // 0000.0000 is well-formed, so arXiv answers 200 with an empty feed rather than an error feed.
  const none = await collect(api({ ids: ['0000.0000'] }).source);
  assert.deepEqual(none.records, []);
  assert.deepEqual(none.errors.map((e) => e.reason), ['arXiv has no paper 0000.0000']);
});

test('a version-pinned id, and a title that looks like a number stays text', async () => {
  const { records } = await collect(api({ ids: ['2104.12255v1'] }).source);
  assert.equal(records[0]!.id, '2104.12255');
  assert.equal(records[0]!.version, 1);
  assert.equal(records[0]!.fields.title, '0');
});

test('saved Atom files: older responses with inline namespaces, refs at file:line', async () => {
  const path = fixture('arxiv-api/xml/id_list_1111.2011v2.xml');
  const { records, errors } = await collect(arxivApiFiles([path]));
  assert.deepEqual(errors, []);
  const [record] = records;
  assert.equal(record!.ref, `${path}:10`);
  assert.equal(record!.id, '1111.2011');
  assert.equal(record!.version, 2);
  assert.equal(record!.observedAt, '2016-10-09T04:00:00.000Z');
  assert.deepEqual(record!.versions, [
    { version: 1, date: '2011-11-08T18:48:36.000Z' },
    { version: 2, date: '2012-04-02T12:38:54.000Z' },
  ]);
  assert.equal(record!.fields.title, 'Quantum Criticality for Extended Nodes on a Bethe Lattice in the Large Connectivity Limit');
  assert.deepEqual(record!.fields.authors!.map((a) => a.name), ['James M. Murray', 'Adrian Del Maestro', 'Zlatko Tesanovic']);
  assert.deepEqual(record!.fields.categories, ['cond-mat.str-el', 'cond-mat.stat-mech']);
  assert.equal(record!.fields.doi, '10.1103/PhysRevB.85.115117');
  assert.equal(record!.fields.comments, '8 pages, 3 figures. Published version');

  const folder = await collect(arxivApiFiles([fixture('arxiv-api/xml')]));
  assert.deepEqual(folder.records.map((r) => r.id), ['1111.2011', '1111.2011', 'cond-mat/0607501']);
});

test('a truncated saved feed, and a saved error feed, are errors naming the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'paperfeed-arxiv-api-'));
  try {
    const text = readFileSync(fixture('arxiv-api/xml/id_list_1111.2011v2.xml'), 'utf8');
    const truncated = join(dir, 'truncated.xml');
    writeFileSync(truncated, text.slice(0, text.indexOf('<author>')));
    const recorded = JSON.parse(readFileSync(fixture('arxiv-api/recorded/id_abc_s0_m100_b79c8dcf6bc3.json'), 'utf8')) as Recording;
    const rejected = join(dir, 'rejected.xml');
    writeFileSync(rejected, recorded.body);

    const { records, errors } = await collect(arxivApiFiles([rejected, truncated]));
    assert.deepEqual(records, []);
    assert.deepEqual(errors, [
      { ref: rejected, reason: 'arXiv API error: incorrect id format for abc' },
      { ref: `${truncated}:35`, reason: 'truncated: the document ends inside <feed> > <entry>' },
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ids or a query are required', async () => {
  await assert.rejects(collect(api({}).source), (error: unknown) => error instanceof PaperfeedError && error.code === 'usage');
});

test('a page that comes back empty inside the results is asked for again', async () => {
  const recorded = JSON.parse(readFileSync(fixture('arxiv-api/recorded/q_testing_s0_m10_bc5a6c384fe9.json'), 'utf8')) as Recording;
  const body = Buffer.from(recorded.body, 'latin1').toString('utf8');
  const answers = [body.replace(/<entry>[\s\S]*<\/entry>/, ''), body];
  const clock = fakeClock('2026-04-12T22:00:00Z');
  const fetchRecorded: typeof fetch = async () => new Response(answers.shift() ?? body, { status: 200 });
  const { records } = await collect(arxivApi({ baseUrl: 'http://arxiv.invalid', query: 'testing', pageSize: 10, maxResults: 10, clock, fetch: fetchRecorded }));
  assert.equal(records.length, 10);
  assert.deepEqual(clock.sleeps, [3000]);
});

test('network failures are retried with backoff, then reported as remote', async () => {
  const gone = await replayServer(() => ({ status: 200, body: '' }));
  await gone.close();
  const clock = fakeClock('2026-04-12T22:00:00Z');
  const source = arxivApi({ baseUrl: gone.baseUrl, ids: ['1707.08567'], retries: 1, clock });
  await assert.rejects(collect(source), (error: unknown) => {
    assert.ok(error instanceof PaperfeedError);
    assert.equal(error.code, 'remote');
    assert.match(error.message, /\/api\/query\?.*: fetch failed \(connect ECONNREFUSED .*\), still after 2 attempts$/);
    return true;
  });
  assert.deepEqual(clock.sleeps, [5000]);
});
