import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { listingSource } from '../../src/ingest/listing.js';
import { collect, fixture } from './collect.js';

const SEED = fixture('listing/trending-papers-page.txt');

async function withTempDir(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'paperfeed-listing-'));
  try {
    await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('the seed page gives its 119 papers, without the banner', async () => {
  const { records, errors } = await collect(listingSource([SEED]));
  assert.deepEqual(errors, []);
  assert.equal(records.length, 119);
  assert.equal(new Set(records.map((r) => r.id)).size, 119);
  assert.ok(records.every((r) => /^pf:[0-9a-f]{16}$/.test(r.id) && r.source === 'listing'));
  assert.ok(records.every((r) => !/^(Subscribe|Get trending)/.test(r.fields.title!)));

  const [first, second] = records;
  // "Subscribe" was glued to the first title when the page was copied.
  assert.equal(first!.fields.title, 'EfficientQAT: Efficient Quantization-Aware Training for Large Language Models');
  assert.equal(first!.id, 'pf:aefe0906b077d727');
  assert.equal(first!.ref, `${SEED}:3`);
  assert.match(first!.fields.abstract!, /^Large language models \(LLMs\) are integral to modern natural language processing/);
  assert.equal(second!.fields.title, 'Momentum-GS: Momentum Gaussian Self-Distillation for High-Quality Large Scene Reconstruction');
  assert.equal(second!.ref, `${SEED}:5`);
  assert.equal(records.at(-1)!.fields.title, 'Towards flexible perception with visual memory');
  assert.equal(records.at(-1)!.ref, `${SEED}:239`);
});

test('papers are observed when the file was last modified', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'page.txt');
    await copyFile(SEED, path);
    await utimes(path, new Date('2026-11-28T07:00:00Z'), new Date('2026-11-28T07:00:00Z'));
    const { records } = await collect(listingSource([path]));
    assert.ok(records.every((r) => r.observedAt === '2026-11-28T07:00:00.000Z'));
  });
});

test('the content id follows the title key, so case, hyphens and spacing do not matter', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'page.txt');
    await writeFile(path, 'Squeeze-and-Excitation Networks\nOne abstract.\nsqueeze and   EXCITATION networks\nAnother abstract.\n');
    const { records } = await collect(listingSource([path]));
    const seed = await collect(listingSource([SEED]));
    const original = seed.records.find((r) => r.fields.title === 'Squeeze-and-Excitation Networks');
    assert.deepEqual(records.map((r) => r.id), [original!.id, original!.id]);
    assert.equal(records[1]!.fields.title, 'squeeze and EXCITATION networks');
  });
});

test('a gzipped listing in a folder reads the same', async () => {
  await withTempDir(async (dir) => {
    await writeFile(join(dir, 'page.txt.gz'), gzipSync(await readFile(SEED)));
    const { records, errors } = await collect(listingSource([dir]));
    assert.deepEqual(errors, []);
    assert.equal(records.length, 119);
    assert.equal(records[0]!.id, 'pf:aefe0906b077d727');
  });
});

test('a title without an abstract line is an error at its line', async () => {
  const path = fixture('listing/bad/missing-abstract.txt');
  const { records, errors } = await collect(listingSource([path]));
  assert.deepEqual(records.map((r) => [r.ref, r.fields.title, r.fields.abstract]), [
    [`${path}:2`, 'A First Title', 'Its abstract.'],
    [`${path}:7`, 'Another Title', 'Its abstract, too.'],
  ]);
  assert.deepEqual(errors, [
    { ref: `${path}:5`, reason: 'a title without an abstract line after it' },
    { ref: `${path}:9`, reason: 'a title without an abstract line after it' },
  ]);
});
