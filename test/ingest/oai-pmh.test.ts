import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { StateStore } from '../../src/catalog/store.js';
import { PaperfeedError } from '../../src/errors.js';
import { harvest, oaiPmhFiles, type HarvestEvent, type HarvestOptions } from '../../src/ingest/oai-pmh.js';
import { collect, fixture } from './collect.js';
import { fakeClock, queryKey, replayServer, type Reply, type ReplayServer } from './network.js';

/** The state store port, in memory: the SQLite adapter is tested elsewhere. */
class MemoryState implements StateStore {
  readonly values = new Map<string, string>();
  async getState(key: string) {
    return this.values.get(key);
  }
  async setState(key: string, value: string) {
    this.values.set(key, value);
  }
  /** The one harvest checkpoint stored, parsed. */
  checkpoint(): unknown {
    assert.equal(this.values.size, 1);
    return JSON.parse([...this.values.values()][0]!);
  }
}

const page = (name: string): Reply => ({
  status: 200,
  headers: { 'content-type': 'text/xml; charset=utf-8' },
  body: readFileSync(fixture(`oai-pmh/harvest/${name}`)),
});
const retryAfter = (value: string): Reply => {
  const recorded = JSON.parse(readFileSync(fixture('oai-pmh/harvest/503-retry-after.json'), 'utf8')) as Reply;
  return { ...recorded, headers: { ...recorded.headers, 'Retry-After': value } };
};

const FIRST = 'verb=ListRecords&metadataPrefix=arXiv&from=2017-12-14';
const SECOND = 'verb=ListRecords&resumptionToken=7251840|3';
const THIRD = 'verb=ListRecords&resumptionToken=7251840|7';
const HARVEST = {
  [FIRST]: [page('listrecords-1.xml')],
  [SECOND]: [page('listrecords-2.xml')],
  [THIRD]: [page('listrecords-3.xml')],
};
const PAGE_IDS = [['1706.05371', '1706.09418', '1707.00874'], ['1412.8323', '1507.07790', '1607.01710'], ['1401.2122']] as const;

/**
 * Answers each request from `routes`, keyed by its query; a route's replies are given in turn,
 * and the last one repeats.
 */
let routes: Record<string, Reply[]> = {};
let server: ReplayServer;
before(async () => {
  server = await replayServer((url) => {
    const key = Object.keys(routes).find((k) => queryKey(k) === queryKey(url.searchParams));
    const replies = key === undefined ? undefined : routes[key]!;
    if (!replies) return { status: 404, body: `no route for ${url.search}` };
    return replies.length > 1 ? replies.shift()! : replies[0]!;
  });
});
after(() => server.close());

function serve(table: Record<string, Reply[]>): void {
  routes = Object.fromEntries(Object.entries(table).map(([key, replies]) => [key, replies.slice()]));
  server.requests.length = 0;
}

/** The requests the server saw, as readable query keys. */
const seen = () => server.requests.map((path) => queryKey(new URL(path, server.baseUrl).searchParams));

function options(state: StateStore, overrides: Partial<HarvestOptions> = {}) {
  const clock = fakeClock('2018-01-26T09:00:00Z');
  return { clock, options: { baseUrl: `${server.baseUrl}/oai2`, metadataPrefix: 'arXiv', state, clock, ...overrides } satisfies HarvestOptions };
}

test('arXiv format: concrete fields of 1401.2122 from a saved GetRecord response', async () => {
  const path = fixture('oai-pmh/hepcrawl/functional_arxiv-single.xml');
  const { records, errors } = await collect(oaiPmhFiles([path]));
  assert.deepEqual(errors, []);
  assert.equal(records.length, 1);
  const [record] = records;
  assert.equal(record!.source, 'oai-pmh');
  assert.equal(record!.id, '1401.2122');
  assert.equal(record!.ref, `${path}:6`);
  assert.equal(record!.observedAt, '2018-01-25T00:00:00.000Z');
  assert.equal(record!.version, undefined, 'the arXiv format does not say which version it describes');
  assert.deepEqual(record!.versions, [{ version: 1, date: '2014-01-09T00:00:00.000Z' }]);
  const { fields } = record!;
  assert.equal(fields.title, 'New integrable (3+1)-dimensional systems and contact geometry');
  assert.deepEqual(fields.authors, [{ name: 'A. Sergyeyev' }]);
  assert.deepEqual(fields.categories, ['math.AP', 'hep-th', 'math-ph', 'math.DG', 'math.MP', 'nlin.SI']);
  assert.equal(fields.doi, '10.1007/s11005-017-1013-4');
  assert.equal(fields.journalRef, 'Lett. Math. Phys. 108 (2018), no. 2, 359-376');
  assert.equal(fields.license, 'http://arxiv.org/licenses/nonexclusive-distrib/1.0/');
  assert.match(fields.abstract!, /^We introduce a novel systematic construction for integrable \(3\+1\)-dimensional\ndispersionless/);
  assert.match(fields.comments!, /^16 pages, LaTeX, no figures/);
  assert.equal(fields.withdrawn, false);
});

test('arXivRaw: every version with its date, author lines split, withdrawals flagged', async () => {
  const path = fixture('oai-pmh/harvest/listrecords-arXivRaw.xml');
  const { records, errors } = await collect(oaiPmhFiles([path]));
  assert.deepEqual(errors, []);
  const byId = new Map(records.map((r) => [r.id, r]));
  assert.deepEqual([...byId.keys()], ['0704.0001', '0704.0025', '0704.0044', '0704.0156', '1401.2122']);

  const sergyeyev = byId.get('1401.2122')!;
  assert.equal(sergyeyev.version, 5);
  assert.deepEqual(sergyeyev.versions, [
    { version: 1, date: '2014-01-09T15:32:11.000Z' },
    { version: 2, date: '2014-03-25T10:04:52.000Z' },
    { version: 3, date: '2016-02-18T17:21:03.000Z' },
    { version: 4, date: '2017-08-10T08:45:30.000Z' },
    { version: 5, date: '2017-10-23T12:02:17.000Z' },
  ]);
  assert.deepEqual(sergyeyev.fields.authors, [{ name: 'A. Sergyeyev' }]);
  assert.deepEqual(sergyeyev.fields.categories, ['math.AP', 'hep-th', 'math-ph', 'math.DG', 'math.MP', 'nlin.SI']);
  assert.equal(sergyeyev.fields.doi, '10.1007/s11005-017-1013-4');

  assert.deepEqual(byId.get('0704.0001')!.versions, [
    { version: 1, date: '2007-04-02T19:18:42.000Z' },
    { version: 2, date: '2007-07-24T20:10:27.000Z' },
  ]);
  // TeX accents in the author line are decoded, as the arXiv format and the API do.
  assert.deepEqual(byId.get('0704.0001')!.fields.authors!.map((a) => a.name), ['C. Balázs', 'E. L. Berger', 'P. M. Nadolsky', 'C.-P. Yuan']);
  assert.deepEqual(byId.get('0704.0025')!.fields.authors, [
    { name: 'A. S. Mishchenko', affiliations: ['CREST, Japan Science and Technology Agency', "Russian Research Centre ``Kurchatov Institute''"] },
    { name: 'N. Nagaosa', affiliations: ['CREST, Japan Science and Technology Agency', 'The University of Tokyo'] },
  ]);
  assert.equal(byId.get('0704.0156')!.fields.withdrawn, true);
  assert.equal(byId.get('0704.0044')!.fields.withdrawn, false);
});

test('hand-edited hepcrawl records: odd authors, several DOIs, a missing namespace', async () => {
  const { records, errors } = await collect(oaiPmhFiles([fixture('oai-pmh/hepcrawl/unit_sample_arxiv_record.xml'), fixture('oai-pmh/hepcrawl/unit_sample_arxiv_record0.xml')]));
  assert.deepEqual(errors, []);
  assert.equal(records.length, 13);
  const byId = new Map(records.map((r) => [r.id, r]));
  // Two <keyname>s in one author: both kept, in order.
  assert.deepEqual(byId.get('1606.07066')!.fields.authors![0], { name: 'Curtis J. Saxton Walton', affiliations: ['Technion', 'DESY'] });
  // The ":" arXiv leaves between a collaboration and its members is no author.
  assert.deepEqual(byId.get('1603.05976')!.fields.authors!.map((a) => a.name).slice(0, 4), ['Keck Array', 'BICEP2 Collaborations', 'P. Ade', 'Z. Ahmed']);
  // unit_sample_arxiv_record0.xml lists three DOIs in one field; the first is the article's.
  assert.equal(records.at(-1)!.fields.doi, '10.1103/PhysRevD.93.016005');
  assert.equal(byId.get('1601.03238')!.fields.title, 'Irreversible degradation of quantum coherence under relativistic motion');
});

test('a truncated or malformed file is one error naming the file and line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'paperfeed-oai-'));
  try {
    const text = readFileSync(fixture('oai-pmh/harvest/listrecords-1.xml'), 'utf8');
    const truncated = join(dir, 'truncated.xml');
    writeFileSync(truncated, text.slice(0, text.indexOf('Silicon photomultipliers') + 40));
    const mismatched = join(dir, 'mismatched.xml');
    writeFileSync(mismatched, text.replace('</title><categories>physics.ins-det', '</titel><categories>physics.ins-det'));

    const { records, errors } = await collect(oaiPmhFiles([truncated, mismatched]));
    assert.deepEqual(records, []);
    assert.equal(errors.length, 2);
    const truncatedLines = readFileSync(truncated, 'utf8').split('\n').length;
    assert.equal(errors[0]!.ref, `${truncated}:${truncatedLines}`);
    assert.equal(errors[0]!.reason, 'truncated: the document ends inside <OAI-PMH> > <ListRecords> > <record> > <metadata> > <arXiv> > <abstract>');
    assert.equal(errors[1]!.ref, `${mismatched}:15`);
    assert.match(errors[1]!.reason, /Expected closing tag 'title' .* instead of closing tag 'titel'/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('harvest pages through resumption tokens, honours a 503 Retry-After, and keeps 3 s between requests', async () => {
  serve({ ...HARVEST, [FIRST]: [retryAfter('10'), page('listrecords-1.xml')] });
  const state = new MemoryState();
  const events: HarvestEvent[] = [];
  const { clock, options: opts } = options(state, { from: '2017-12-14', log: (event) => events.push(event) });

  const { records, errors } = await collect(harvest(opts));
  assert.deepEqual(errors, []);
  assert.deepEqual(records.map((r) => r.id), PAGE_IDS.flat());
  assert.deepEqual(seen(), [FIRST, FIRST, SECOND, THIRD].map(queryKey));
  // Retry-After: 10 before page 1; then arXiv's 3 s before each later page.
  assert.deepEqual(clock.sleeps, [10_000, 3000, 3000]);
  assert.deepEqual(events.filter((e) => e.type === 'wait').map((e) => e.type === 'wait' && e.reason), ['retry-after', 'interval', 'interval']);
  // The deleted record on page 2 is skipped, and reported.
  assert.deepEqual(events.filter((e) => e.type === 'deleted').map((e) => e.type === 'deleted' && e.id), ['1712.04999']);
  assert.equal(records[0]!.ref, `${server.baseUrl}/oai2?verb=ListRecords&metadataPrefix=arXiv&from=2017-12-14#oai:arXiv.org:1706.05371`);
  assert.equal(records[0]!.observedAt, '2017-12-14T00:00:00.000Z');
  // A complete run leaves the day of its first response as the next run's `from`.
  assert.deepEqual(state.checkpoint(), { from: '2018-01-26' });
});

test('the minimum interval is configurable', async () => {
  serve(HARVEST);
  const { clock, options: opts } = options(new MemoryState(), { from: '2017-12-14', minIntervalMs: 1000 });
  await collect(harvest(opts));
  assert.deepEqual(clock.sleeps, [1000, 1000]);
});

test('Retry-After as an HTTP date is waited out until that time', async () => {
  serve({ ...HARVEST, [FIRST]: [retryAfter('Fri, 26 Jan 2018 09:00:20 GMT'), page('listrecords-1.xml')] });
  const { clock, options: opts } = options(new MemoryState(), { from: '2017-12-14' });
  const { records } = await collect(harvest(opts));
  assert.equal(records.length, 7);
  assert.deepEqual(clock.sleeps, [20_000, 3000, 3000]);
});

test('a harvest stopped mid-way resumes at the stored token without fetching page 1 again', async () => {
  serve(HARVEST);
  const state = new MemoryState();
  const first: string[] = [];
  for await (const item of harvest(options(state, { from: '2017-12-14' }).options)) {
    if ('checkpoint' in item) await item.checkpoint(); // as the importer does, once page 1 is written
    if ('record' in item) first.push(item.record.id);
    if (first.length === 4) break; // all of page 1 and the first record of page 2
  }
  assert.deepEqual(first, [...PAGE_IDS[0], PAGE_IDS[1][0]]);
  assert.deepEqual(seen(), [FIRST, SECOND].map(queryKey));
  assert.deepEqual(state.checkpoint(), { from: '2017-12-14', resumptionToken: '7251840|3', startedAt: '2018-01-26T09:05:29.000Z' });

  server.requests.length = 0;
  const { records } = await collect(harvest(options(state).options));
  // Page 2 comes again from its start, since the consumer may not have stored what it took.
  assert.deepEqual(records.map((r) => r.id), [...PAGE_IDS[1], ...PAGE_IDS[2]]);
  assert.deepEqual(seen(), [SECOND, THIRD].map(queryKey));
  // The resumed run's start date is the interrupted run's, not the resumption's.
  assert.deepEqual(state.checkpoint(), { from: '2018-01-26' });
});

test('a later run harvests incrementally from the stored day; noRecordsMatch is an empty result', async () => {
  const next = 'verb=ListRecords&metadataPrefix=arXiv&from=2018-01-26';
  serve({ ...HARVEST, [next]: [page('error-noRecordsMatch.xml')] });
  const state = new MemoryState();
  await collect(harvest(options(state, { from: '2017-12-14' }).options));
  server.requests.length = 0;

  const { records, errors } = await collect(harvest(options(state).options));
  assert.deepEqual([records, errors], [[], []]);
  assert.deepEqual(seen(), [queryKey(next)]);
  assert.deepEqual(state.checkpoint(), { from: '2018-01-27' });
});

test('an expired stored token restarts the run from its `from`', async () => {
  serve({ ...HARVEST, [SECOND]: [page('error-badResumptionToken.xml'), page('listrecords-2.xml')] });
  const state = new MemoryState();
  await state.setState(`oai-pmh:${server.baseUrl}/oai2:arXiv:`, JSON.stringify({ from: '2017-12-14', resumptionToken: '7251840|3', startedAt: '2018-01-20T00:00:00.000Z' }));
  const events: HarvestEvent[] = [];
  const { records } = await collect(harvest(options(state, { log: (event) => events.push(event) }).options));
  assert.deepEqual(records.map((r) => r.id), PAGE_IDS.flat());
  assert.deepEqual(seen(), [SECOND, FIRST, SECOND, THIRD].map(queryKey));
  assert.equal(events.filter((e) => e.type === 'restart').length, 1);
  assert.deepEqual(state.checkpoint(), { from: '2018-01-26' });
});

test('OAI-PMH errors become clear PaperfeedErrors', async () => {
  serve({ 'verb=ListRecords&metadataPrefix=arXiv&from=2018-13-45': [page('error-badArgument.xml')] });
  await assert.rejects(collect(harvest(options(new MemoryState(), { from: '2018-13-45' }).options)), (error: unknown) => {
    assert.ok(error instanceof PaperfeedError);
    assert.equal(error.code, 'usage');
    assert.match(error.message, /OAI-PMH error badArgument: Illegal date format for from argument: 2018-13-45$/);
    return true;
  });
  await assert.rejects(collect(harvest(options(new MemoryState(), { from: '26.01.2018' }).options)), /from must be YYYY-MM-DD/);
});

test('a truncated page stops the harvest with the URL and line; the stored token retries that page next time', async () => {
  const text = readFileSync(fixture('oai-pmh/harvest/listrecords-2.xml'), 'utf8');
  serve({ ...HARVEST, [SECOND]: [{ status: 200, body: text.slice(0, text.indexOf('<resumptionToken')) }] });
  const state = new MemoryState();
  await assert.rejects(collect(harvest(options(state, { from: '2017-12-14' }).options)), (error: unknown) => {
    assert.ok(error instanceof PaperfeedError);
    assert.equal(error.code, 'remote');
    assert.match(error.message, /\/oai2\?verb=ListRecords&resumptionToken=7251840%7C3: line 90: truncated: the document ends inside <OAI-PMH> > <ListRecords>$/);
    return true;
  });
  assert.equal((state.checkpoint() as { resumptionToken: string }).resumptionToken, '7251840|3');
});

test('transient failures are retried with backoff a bounded number of times', async () => {
  serve({ [FIRST]: [{ status: 500, body: 'backend restarting' }] });
  const { clock, options: opts } = options(new MemoryState(), { from: '2017-12-14', retries: 2 });
  await assert.rejects(collect(harvest(opts)), (error: unknown) => {
    assert.ok(error instanceof PaperfeedError);
    assert.equal(error.code, 'remote');
    assert.match(error.message, /HTTP 500, still after 3 attempts$/);
    return true;
  });
  assert.equal(server.requests.length, 3);
  assert.deepEqual(clock.sleeps, [5000, 10_000]);
});

test('a Retry-After beyond the limit is rate_limited, not waited out', async () => {
  serve({ [FIRST]: [retryAfter('3600')] });
  const { clock, options: opts } = options(new MemoryState(), { from: '2017-12-14' });
  await assert.rejects(collect(harvest(opts)), (error: unknown) => {
    assert.ok(error instanceof PaperfeedError);
    assert.equal(error.code, 'rate_limited');
    assert.equal(error.details.retryAfterSeconds, 3600);
    return true;
  });
  assert.deepEqual(clock.sleeps, []);
});

test('harvest defaults to arXivRaw and, with no state and no `from`, asks for everything', async () => {
  serve({ 'verb=ListRecords&metadataPrefix=arXivRaw': [page('listrecords-arXivRaw.xml')] });
  const state = new MemoryState();
  const { records } = await collect(harvest({ baseUrl: `${server.baseUrl}/oai2`, state, clock: fakeClock('2018-01-26T09:00:00Z') }));
  assert.equal(records.length, 5);
  assert.equal(records.find((r) => r.id === '1401.2122')!.versions!.length, 5);
  assert.deepEqual(state.checkpoint(), { from: '2018-01-26' });
});
