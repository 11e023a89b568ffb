import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hfDailySource } from '../../src/ingest/hf-daily.js';
import { collect, fixture } from './collect.js';

test('a plain array response gives one record per paper, observed on the day of the file', async () => {
  const path = fixture('hf-daily/2025-09-02.json');
  const { records, errors } = await collect(hfDailySource([path]));
  assert.deepEqual(errors, []);
  assert.deepEqual(records.map((r) => r.id), ['2508.21104', '2508.19060', '2508.17378', '2508.20931']);

  const [first, second] = records;
  assert.equal(first!.fields.title, 'PVPO: Pre-Estimated Value-Based Policy Optimization for Agentic Reasoning');
  assert.equal(first!.ref, `${path}#0`);
  assert.equal(first!.fields.keywords?.length, 18);
  assert.equal(first!.fields.codeUrl, undefined);

  assert.deepEqual(second, {
    source: 'hf-daily',
    id: '2508.19060',
    observedAt: '2025-09-02T00:00:00.000Z',
    fields: {
      title: 'No Label Left Behind: A Unified Surface Defect Detection Model for all Supervision Regimes',
      abstract: second!.fields.abstract,
      authors: [{ name: 'Blaž Rolih' }, { name: 'Matic Fučka' }, { name: 'Danijel Skočaj' }],
      codeUrl: 'https://github.com/blaz-r/SuperSimplenet',
      keywords: [
        'SimpleNet', 'synthetic anomaly generation', 'classification head', 'learning procedure', 'unsupervised',
        'weakly supervised', 'mixed supervision', 'fully supervised', 'benchmark datasets', 'inference time',
      ],
    },
    featuredAt: '2025-09-02T01:45:44.492Z',
    signals: [
      { source: 'hf', kind: 'upvotes', value: 1, observedAt: '2025-09-02T00:00:00.000Z' },
      { source: 'hf', kind: 'comments', value: 1, observedAt: '2025-09-02T00:00:00.000Z' },
      { source: 'hf', kind: 'github_stars', value: 77, observedAt: '2025-09-02T00:00:00.000Z' },
    ],
    ref: `${path}#1`,
    versions: [{ version: 1, date: '2025-08-26T14:20:21.000Z' }],
  });
  // The abstract keeps Hugging Face's line breaks; only titles are folded.
  assert.match(second!.fields.abstract!, /^Surface defect detection is a critical task across numerous industries, aimed\nat efficiently/);
});

test('items that are Python repr strings are read like JSON objects', async () => {
  const { records, errors } = await collect(hfDailySource([fixture('hf-daily/2025-01-02.json')]));
  assert.deepEqual(errors, []);
  assert.deepEqual(records.map((r) => r.fields.title), [
    'OS-Genesis: Automating GUI Agent Trajectory Construction via Reverse Task Synthesis',
    'Xmodel-2 Technical Report',
    'HUNYUANPROVER: A Scalable Data Synthesis Framework and Guided Tree Search for Automated Theorem Proving',
  ]);
  const [genesis] = records;
  assert.deepEqual(genesis!.fields.authors?.slice(0, 3), [{ name: 'Qiushi Sun' }, { name: 'Kanzhi Cheng' }, { name: 'Zichen Ding' }]);
  assert.deepEqual(genesis!.versions, [{ version: 1, date: '2024-12-27T16:21:58.000Z' }]);
  // No submittedOnDailyAt in these items: the paper was featured on the day of the file.
  assert.equal(genesis!.featuredAt, '2025-01-02T00:00:00.000Z');
  assert.deepEqual(genesis!.signals, [
    { source: 'hf', kind: 'upvotes', value: 47, observedAt: '2025-01-02T00:00:00.000Z' },
    { source: 'hf', kind: 'comments', value: 1, observedAt: '2025-01-02T00:00:00.000Z' },
  ]);
});

test('repr strings keep escaped quotes and backslashes', async () => {
  const { records, errors } = await collect(hfDailySource([fixture('hf-daily/2024-12-12.json'), fixture('hf-daily/2025-01-09.json')]));
  assert.deepEqual(errors, []);
  const [idk, rstar] = records;
  assert.equal(idk!.id, '2412.06676');
  assert.equal(idk!.fields.title, "I Don't Know: Explicit Modeling of Uncertainty with an [IDK] Token");
  assert.match(idk!.fields.abstract!, /a special\n\[IDK\] \("I don't know"\) token to the model's vocabulary/);
  assert.equal(rstar!.id, '2501.04519');
  assert.match(rstar!.fields.abstract!, /avoids na\\"ive step-level score annotation/);
});

test('a {status, date, count, data} response gives the papers in its data', async () => {
  const { records, errors } = await collect(hfDailySource([fixture('hf-daily/2025-01-10.json')]));
  assert.deepEqual(errors, []);
  assert.equal(records.length, 9);
  assert.equal(records[0]!.fields.title, 'The GAN is dead; long live the GAN! A Modern GAN Baseline');
  assert.deepEqual(records[2]!.fields.authors, [{ name: 'Ethem Yağız Çalık' }, { name: 'Talha Rüzgar Akkuş' }]);
  assert.equal(records[3]!.fields.title, 'Are VLMs Ready for Autonomous Driving? An Empirical Study from the Reliability, Data, and Metric Perspectives');
  assert.ok(records.every((r) => r.observedAt === '2025-01-10T00:00:00.000Z'));
});

test('bad items are errors at path#index and the items around them still come through', async () => {
  const path = fixture('hf-daily/bad/2024-06-03.json');
  const { records, errors } = await collect(hfDailySource([path]));

  assert.deepEqual(records, [
    {
      source: 'hf-daily',
      id: '2406.00003',
      observedAt: '2024-06-03T00:00:00.000Z',
      fields: { title: 'A good paper', abstract: 'Kept\nas is.', authors: [{ name: 'Ada Lovelace' }] },
      featuredAt: '2024-06-03T00:00:00.000Z',
      signals: [
        { source: 'hf', kind: 'upvotes', value: 3, observedAt: '2024-06-03T00:00:00.000Z' },
        { source: 'hf', kind: 'comments', value: 0, observedAt: '2024-06-03T00:00:00.000Z' },
      ],
      ref: `${path}#0`,
      versions: [{ version: 1, date: '2024-06-01T10:00:00.000Z' }],
    },
    {
      source: 'hf-daily',
      id: '2406.00006',
      observedAt: '2024-06-03T00:00:00.000Z',
      fields: { title: "It's fine" },
      featuredAt: '2024-06-03T00:00:00.000Z',
      signals: [
        { source: 'hf', kind: 'upvotes', value: 2, observedAt: '2024-06-03T00:00:00.000Z' },
        { source: 'hf', kind: 'comments', value: 0, observedAt: '2024-06-03T00:00:00.000Z' },
      ],
      ref: `${path}#6`,
      version: 2,
    },
  ]);

  assert.deepEqual(errors.map((e) => e.ref), [1, 2, 3, 4, 5].map((index) => `${path}#${index}`));
  const [noId, unknownId, cutRepr, blankTitle, notAnObject] = errors.map((e) => e.reason);
  assert.match(noId!, /^paper\.id: /);
  assert.equal(unknownId, 'unknown id format "not-an-arxiv-id"');
  assert.equal(cutRepr, 'unparsable Python repr: unterminated string at position 40');
  assert.equal(blankTitle, 'no title');
  assert.match(notAnObject!, /^item: .*expected object/);
});

test('a file that is not valid JSON is one error naming its line and column', async () => {
  const missingComma = fixture('hf-daily/bad/2024-06-02.json');
  const truncated = fixture('hf-daily/bad/2025-07-07.json');
  const { records, errors } = await collect(hfDailySource([missingComma, truncated]));
  assert.deepEqual(records, []);
  assert.deepEqual(errors, [
    { ref: `${missingComma}:3`, reason: "invalid JSON at line 3, column 5: Expected ',' or ']' after array element" },
    { ref: `${truncated}:38`, reason: 'invalid JSON at line 38, column 126: Unterminated string' },
  ]);
});

test('a response of another shape, or a file named without a date, is one error', async () => {
  const notAList = fixture('hf-daily/bad/2024-06-04.json');
  const undated = fixture('hf-daily/bad/undated.json');
  const { records, errors } = await collect(hfDailySource([notAList, undated]));
  assert.deepEqual(records, []);
  assert.deepEqual(errors.map((e) => e.ref), [notAList, undated]);
  assert.match(errors[0]!.reason, /expected a JSON array of papers/);
  assert.match(errors[1]!.reason, /no date/);
});

test('a folder is read file by file, bad files included, without stopping', async () => {
  const { records, errors } = await collect(hfDailySource([fixture('hf-daily')]));
  assert.equal(records.length, 3 + 9 + 4 + 1 + 1 + 2);
  assert.equal(errors.length, 1 + 1 + 5 + 1 + 1);
  assert.equal(records[0]!.id, '2412.06676');
});
