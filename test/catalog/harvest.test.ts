import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { importSource } from '../../src/catalog/import.js';
import { harvest } from '../../src/ingest/oai-pmh.js';
import { fakeClock, queryKey, replayServer, type ReplayServer, type Reply } from '../ingest/network.js';
import { fixture, runCli, tempApp } from '../support.js';

const page = (name: string): Reply => ({ status: 200, body: readFileSync(fixture('oai-pmh', 'harvest', name)) });
const truncated = (name: string): Reply => {
  const text = readFileSync(fixture('oai-pmh', 'harvest', name), 'utf8');
  return { status: 200, body: text.slice(0, text.indexOf('</record>') + 20) };
};
const pages: Record<string, Reply> = {
  'from=2017-12-14&metadataPrefix=arXiv&verb=ListRecords': page('listrecords-1.xml'),
  'resumptionToken=7251840|3&verb=ListRecords': page('listrecords-2.xml'),
  'resumptionToken=7251840|7&verb=ListRecords': page('listrecords-3.xml'),
};
let broken: string | undefined;
let server: ReplayServer;

before(async () => {
  server = await replayServer((url) => {
    const key = queryKey(url.searchParams);
    if (key === broken) return truncated('listrecords-3.xml');
    return pages[key] ?? { status: 404, body: 'no such page' };
  });
});
after(() => server.close());

test('a harvest interrupted mid-way keeps what it wrote and resumes at the page it stopped on', async () => {
  const app = tempApp();
  try {
    const run = () => importSource(app.store, harvest({
      baseUrl: `${server.baseUrl}/oai2`, metadataPrefix: 'arXiv', from: '2017-12-14',
      state: app.store, clock: fakeClock('2018-01-26T09:00:00Z'),
    }));
    broken = 'resumptionToken=7251840|7&verb=ListRecords';
    await assert.rejects(run(), (error: Error) => /resumptionToken=7251840%7C7: line \d+: truncated/.test(error.message));
    assert.equal(await app.store.countPapers(), 6, 'pages 1 and 2 were written before the failure');

    broken = undefined;
    server.requests.length = 0;
    const counts = await run();
    assert.deepEqual(server.requests.map((path) => queryKey(new URL(path, server.baseUrl).searchParams)), ['resumptionToken=7251840|7&verb=ListRecords']);
    assert.equal(counts.added, 1);
    assert.equal(await app.store.countPapers(), 7);
    const paper = (await app.store.getPapers(['1401.2122'])).get('1401.2122')!;
    assert.equal(paper.title, 'New integrable (3+1)-dimensional systems and contact geometry');
    assert.deepEqual(paper.sources.map((s) => s.source), ['oai-pmh']);
  } finally {
    app.cleanup();
  }
});

test('paperfeed harvest --api fetches papers by id into the catalog, and says what arXiv rejected', async () => {
  const recording = (name: string) => JSON.parse(readFileSync(fixture('arxiv-api', 'recorded', name), 'utf8')) as { status_code: number; body: string };
  const api = await replayServer((url) => {
    const name = url.searchParams.get('id_list') === 'abc' ? 'id_abc_s0_m100_b79c8dcf6bc3.json' : 'id_1707.08567_s0_m100_6a1afebfc6a3.json';
    const { status_code, body } = recording(name);
    return { status: status_code, body: Buffer.from(body, 'latin1') };
  });
  const app = tempApp();
  try {
    const ok = await runCli(['harvest', '--api', '--ids', '1707.08567', '--base-url', api.baseUrl, '--db', app.dbFile, '--json']);
    assert.equal(ok.code, 0, ok.err.join('\n'));
    assert.equal(JSON.parse(ok.out.at(-1)!).added, 1);
    assert.ok((await app.store.getPapers(['1707.08567'])).get('1707.08567')!.title.length > 0);

    const rejected = await runCli(['harvest', '--api', '--ids', 'abc', '--base-url', api.baseUrl, '--db', app.dbFile]);
    assert.equal(rejected.code, 4);
    assert.match(rejected.err.join('\n'), /incorrect id format for abc/i);
  } finally {
    app.cleanup();
    await api.close();
  }
});
