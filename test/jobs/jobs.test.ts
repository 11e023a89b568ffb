import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { resolveJobSettings, startJobs, type JobReport } from '../../src/jobs/jobs.js';
import { queryKey, replayServer } from '../ingest/network.js';
import { fixture, tempApp } from '../support.js';

test('job settings: digests every minute by default, the other jobs only once their source is configured', () => {
  assert.deepEqual(resolveJobSettings({}), { digest: { everySeconds: 60 } });
  assert.deepEqual(resolveJobSettings({
    PAPERFEED_DIGEST_EVERY: 'off', PAPERFEED_HARVEST: 'physics:hep-th', PAPERFEED_EMBED_EVERY: '10m',
    PAPERFEED_HF_DAILY_URL: 'https://huggingface.co/', PAPERFEED_HF_DAILY_EVERY: '2h',
  }), {
    harvest: { everySeconds: 6 * 3600, baseUrl: 'https://oaipmh.arxiv.org/oai', set: 'physics:hep-th' },
    embed: { everySeconds: 600 },
    hfDaily: { everySeconds: 7200, baseUrl: 'https://huggingface.co' },
  });
  assert.deepEqual(resolveJobSettings({ PAPERFEED_HARVEST: 'all', PAPERFEED_HARVEST_EVERY: '1d' }).harvest, { everySeconds: 86400, baseUrl: 'https://oaipmh.arxiv.org/oai' });
  assert.throws(() => resolveJobSettings({ PAPERFEED_DIGEST_EVERY: '2w' }), /PAPERFEED_DIGEST_EVERY: expected a duration/);
  assert.throws(() => resolveJobSettings({ PAPERFEED_EMBED_EVERY: '2d' }), /PAPERFEED_EMBED_EVERY: must be from 10s to 1d/);
});

test('the hf-daily job imports yesterday\'s and today\'s daily papers with their upvotes', async () => {
  const app = tempApp();
  const response = readFileSync(fixture('hf-daily', '2025-09-02.json'));
  const server = await replayServer((url) => (url.pathname === '/api/daily_papers' ? { status: 200, body: response } : { status: 404, body: 'no' }));
  const reports: JobReport[] = [];
  const stop = await startJobs(app, app.jobs, { hfDaily: { everySeconds: 3600, baseUrl: server.baseUrl } }, { work: true, tickMs: 100, onReport: (report) => reports.push(report) });
  try {
    const started = Date.now();
    while (reports.length === 0 && Date.now() - started < 30_000) await new Promise((resolve) => setTimeout(resolve, 100));
    const today = new Date().toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() - 86400_000).toISOString().slice(0, 10);
    assert.deepEqual(server.requests, [`/api/daily_papers?date=${yesterday}`, `/api/daily_papers?date=${today}`]);
    assert.equal(reports.length, 1);
    assert.equal(reports[0]!.job, 'hf-daily');
    const papers = await app.store.countPapers();
    assert.ok(papers > 0);
    assert.equal(reports[0]!.summary.added, papers);
    const { paper } = (JSON.parse(response.toString('utf8')) as { paper: { id: string; upvotes: number } }[])[0]!;
    const upvotes = (await app.webStore.signalsOf(paper.id)).filter((signal) => signal.kind === 'upvotes');
    assert.deepEqual(upvotes.map((signal) => [signal.observedAt.slice(0, 10), signal.value]), [[yesterday, paper.upvotes], [today, paper.upvotes]], 'one upvote count a day: trending follows them');
  } finally {
    await stop();
    await server.close();
    app.cleanup();
  }
});

test('the harvest job harvests OAI-PMH page by page and stores where the next run starts', async () => {
  const app = tempApp();
  const page = (name: string) => ({ status: 200, body: readFileSync(fixture('oai-pmh', 'harvest', name)) });
  const server = await replayServer((url) => {
    const token = url.searchParams.get('resumptionToken');
    if (token === null) return page('listrecords-1.xml');
    return { '7251840|3': page('listrecords-2.xml'), '7251840|7': page('listrecords-3.xml') }[token] ?? { status: 404, body: 'no' };
  });
  const reports: JobReport[] = [];
  const stop = await startJobs(app, app.jobs, { harvest: { everySeconds: 3600, baseUrl: `${server.baseUrl}/oai2`, set: 'math' } }, { work: true, tickMs: 100, onReport: (report) => reports.push(report) });
  try {
    const started = Date.now();
    while (reports.length === 0 && Date.now() - started < 60_000) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(server.requests.map((path) => queryKey(new URL(path, server.baseUrl).searchParams)), [
      'metadataPrefix=arXivRaw&set=math&verb=ListRecords', 'resumptionToken=7251840|3&verb=ListRecords', 'resumptionToken=7251840|7&verb=ListRecords',
    ]);
    assert.deepEqual(reports, [{ job: 'harvest', summary: { read: 7, added: 7, updated: 0, unchanged: 0, skipped: 0 } }]);
    assert.equal(await app.store.countPapers(), 7);
    const checkpoint = JSON.parse((await app.store.getState(`oai-pmh:${server.baseUrl}/oai2:arXivRaw:math`))!) as { from?: string; resumptionToken?: string };
    assert.ok(checkpoint.from && !checkpoint.resumptionToken, `the next run starts from a day: ${JSON.stringify(checkpoint)}`);
  } finally {
    await stop();
    await server.close();
    app.cleanup();
  }
});
