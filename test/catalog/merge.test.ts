import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeRecord } from '../../src/catalog/merge.js';
import type { SourceRecord } from '../../src/catalog/paper.js';

const record = (overrides: Partial<SourceRecord>): SourceRecord => ({
  source: 'daily-jsonl',
  id: '2503.00001',
  observedAt: '2025-03-18T00:00:00.000Z',
  ref: 'test:1',
  fields: { title: 'Block Diffusion', abstract: 'First abstract.', authors: [{ name: 'A. Author' }], categories: ['cs.LG'] },
  ...overrides,
});

test('a new paper is added with an inferred first version dated by its announcement', () => {
  const { paper, change } = mergeRecord(undefined, record({}));
  assert.equal(change, 'added');
  assert.deepEqual(paper.versions, [{ version: 1, date: '2025-03-18T00:00:00.000Z', inferred: true }]);
  assert.equal(paper.published, '2025-03-18T00:00:00.000Z');
  assert.deepEqual(paper.provenance.title, { source: 'daily-jsonl', at: '2025-03-18T00:00:00.000Z' });
});

test('merging the same record again is unchanged', () => {
  const first = mergeRecord(undefined, record({})).paper;
  assert.equal(mergeRecord(first, record({})).change, 'unchanged');
});

test('a newer version wins over a higher-precedence source describing an older version', () => {
  const v1 = mergeRecord(undefined, record({ source: 'oai-pmh', version: 1, versions: [{ version: 1, date: '2025-03-17T10:00:00.000Z' }] })).paper;
  const v2 = mergeRecord(v1, record({
    source: 'snapshot', version: 2, observedAt: '2025-04-01T00:00:00.000Z',
    versions: [{ version: 1, date: '2025-03-17T10:00:00.000Z' }, { version: 2, date: '2025-03-30T10:00:00.000Z' }],
    fields: { title: 'Block Diffusion, Revised' },
  }));
  assert.equal(v2.change, 'updated');
  assert.equal(v2.paper.title, 'Block Diffusion, Revised');
  assert.deepEqual(v2.paper.versions.map((v) => v.version), [1, 2]);
  assert.equal(v2.paper.updated, '2025-03-30T10:00:00.000Z');
  const stale = mergeRecord(v2.paper, record({ source: 'oai-pmh', version: 1, fields: { title: 'Block Diffusion' } }));
  assert.equal(stale.change, 'unchanged');
});

test('for the same version the higher-precedence source wins, whatever the order', () => {
  const fromHf = mergeRecord(undefined, record({ source: 'hf-daily', fields: { title: 'Block  diffusion (HF)' } })).paper;
  const fromApi = mergeRecord(fromHf, record({ source: 'arxiv-api', fields: { title: 'Block Diffusion' } })).paper;
  assert.equal(fromApi.title, 'Block Diffusion');
  assert.equal(fromApi.provenance.title?.source, 'arxiv-api');
  assert.equal(mergeRecord(fromApi, record({ source: 'hf-daily', fields: { title: 'Other' } })).change, 'unchanged');
});

test('a listing repeated later with new content announces a new version; history is kept', () => {
  const v1 = mergeRecord(undefined, record({})).paper;
  const v2 = mergeRecord(v1, record({ observedAt: '2025-03-25T00:00:00.000Z', fields: { abstract: 'Second abstract.' } }));
  assert.equal(v2.change, 'updated');
  assert.equal(v2.paper.abstract, 'Second abstract.');
  assert.deepEqual(v2.paper.versions, [
    { version: 1, date: '2025-03-18T00:00:00.000Z', inferred: true },
    { version: 2, date: '2025-03-25T00:00:00.000Z', inferred: true },
  ]);
  // The older announcement imported again changes nothing.
  assert.equal(mergeRecord(v2.paper, record({})).change, 'unchanged');
});

test('a cross-listing in the same listing adds its categories and keeps the primary first', () => {
  const first = mergeRecord(undefined, record({ fields: { categories: ['cs.CV'] } })).paper;
  const crossListed = mergeRecord(first, record({ fields: { categories: ['cs.CV', 'cs.LG'] } })).paper;
  assert.deepEqual(crossListed.categories, ['cs.CV', 'cs.LG']);
  assert.equal(mergeRecord(crossListed, record({ fields: { categories: ['cs.CV'] } })).change, 'unchanged');
});

test('withdrawn papers are flagged and keep their metadata', () => {
  const v1 = mergeRecord(undefined, record({ source: 'snapshot', version: 1 })).paper;
  const withdrawn = mergeRecord(v1, record({ source: 'snapshot', version: 2, fields: { comments: 'This paper has been withdrawn', withdrawn: true } })).paper;
  assert.equal(withdrawn.withdrawn, true);
  assert.equal(withdrawn.title, 'Block Diffusion');
});
