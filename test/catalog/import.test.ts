import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixture, runCli, tempApp } from '../support.js';

test('imports the snapshot sample with concrete fields, and again with 0 changes', async () => {
  const app = tempApp();
  try {
    const first = await runCli(['import', '--db', app.dbFile, '--format', 'snapshot', '--json', fixture('snapshot')]);
    assert.equal(first.code, 0, first.err.join('\n'));
    assert.deepEqual(JSON.parse(first.out.at(-1)!), { read: 200, added: 200, updated: 0, unchanged: 0, skipped: 0 });

    const paper = (await app.store.getPapers(['0704.0001'])).get('0704.0001')!;
    assert.equal(paper.title, 'Calculation of prompt diphoton production cross sections at Tevatron and LHC energies');
    assert.deepEqual(paper.authors.map((a) => a.name), ['C. Balázs', 'E. L. Berger', 'P. M. Nadolsky', 'C. -P. Yuan']);
    assert.deepEqual(paper.versions, [
      { version: 1, date: '2007-04-02T19:18:42.000Z' },
      { version: 2, date: '2007-07-24T20:10:27.000Z' },
    ]);
    assert.equal(paper.published, '2007-04-02T19:18:42.000Z');
    assert.equal(paper.updated, '2007-07-24T20:10:27.000Z');
    assert.deepEqual(paper.categories, ['hep-ph']);
    assert.equal(paper.doi, '10.1103/PhysRevD.76.013009');
    assert.equal(paper.journalRef, 'Phys.Rev.D76:013009,2007');
    assert.match(paper.abstract, /^A fully differential calculation in perturbative quantum chromodynamics/);
    assert.deepEqual(paper.sources.map((s) => s.source), ['snapshot']);

    const withdrawn = (await app.store.getPapers(['0704.0156'])).get('0704.0156')!;
    assert.equal(withdrawn.withdrawn, true);

    const again = await runCli(['import', '--db', app.dbFile, '--format', 'snapshot', '--json', fixture('snapshot')]);
    assert.deepEqual(JSON.parse(again.out.at(-1)!), { read: 200, added: 0, updated: 0, unchanged: 200, skipped: 0 });
  } finally {
    app.cleanup();
  }
});

test('daily listings: cross-lists collapse, a later different listing is a new version, re-import changes nothing', async () => {
  const app = tempApp();
  try {
    const first = await runCli(['import', '--db', app.dbFile, '--format', 'daily-jsonl', '--json', fixture('daily-jsonl')]);
    assert.equal(first.code, 0, first.err.join('\n'));
    assert.deepEqual(JSON.parse(first.out.at(-1)!), { read: 6, added: 3, updated: 2, unchanged: 1, skipped: 0 });

    const papers = await app.store.getPapers(['0704.0001', '0704.0002', '0704.0156']);
    assert.deepEqual(papers.get('0704.0001')!.categories, ['hep-ph', 'hep-ex']);
    const revised = papers.get('0704.0002')!;
    assert.equal(revised.abstract, 'A revised abstract for the second version.');
    assert.deepEqual(revised.versions.map((v) => [v.version, v.date]), [[1, '2025-03-18T00:00:00.000Z'], [2, '2025-03-19T00:00:00.000Z']]);
    assert.equal(papers.get('0704.0156')!.withdrawn, true);
    assert.equal((await app.store.stats()).papers, 3);

    const again = await runCli(['import', '--db', app.dbFile, '--format', 'daily-jsonl', '--json', fixture('daily-jsonl')]);
    assert.deepEqual(JSON.parse(again.out.at(-1)!), { read: 6, added: 0, updated: 0, unchanged: 6, skipped: 0 });
  } finally {
    app.cleanup();
  }
});

test('bad records are reported with file, line and reason, skipped, and the good ones kept (exit 3)', async () => {
  const app = tempApp();
  try {
    const file = fixture('daily-jsonl-bad', '2025-03-20.jsonl');
    const result = await runCli(['import', '--db', app.dbFile, '--format', 'daily-jsonl', '--json', file]);
    assert.equal(result.code, 3);
    assert.deepEqual(JSON.parse(result.out.at(-1)!), { read: 5, added: 2, updated: 0, unchanged: 0, skipped: 3 });
    assert.match(result.err[0]!, new RegExp(`^skipped ${file}:2: invalid JSON`));
    assert.equal(result.err[1], `skipped ${file}:3: field "title" is missing`);
    assert.equal(result.err[2], `skipped ${file}:4: unknown id format "not-an-id"`);
  } finally {
    app.cleanup();
  }
});

test('--strict stops at the first bad record and writes nothing (exit 4)', async () => {
  const app = tempApp();
  try {
    const file = fixture('daily-jsonl-bad', '2025-03-20.jsonl');
    const result = await runCli(['import', '--db', app.dbFile, '--format', 'daily-jsonl', '--strict', file]);
    assert.equal(result.code, 4);
    assert.match(result.err.join('\n'), new RegExp(`${file}:2: invalid JSON`));
    assert.equal(await app.store.countPapers(), 0);
  } finally {
    app.cleanup();
  }
});

test('usage errors exit 2 and name the problem', async () => {
  const noFormat = await runCli(['import', 'x']);
  assert.equal(noFormat.code, 2);
  assert.match(noFormat.err[0]!, /--format: missing; use one of snapshot, oai-pmh/);
  const unknown = await runCli(['import', '--format', 'csv', 'x']);
  assert.match(unknown.err[0]!, /unknown format "csv"/);
  const missingFile = await runCli(['import', '--format', 'snapshot', '/nonexistent/file.json']);
  assert.equal(missingFile.code, 2);
  assert.match(missingFile.err[0]!, /\/nonexistent\/file\.json: no such file or folder/);
  const badOption = await runCli(['import', '--frmat', 'snapshot']);
  assert.equal(badOption.code, 2);
  assert.match(badOption.err[0]!, /Unknown option '--frmat'/);
  const help = await runCli(['import', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.out[0]!, /^usage: paperfeed import --format/);
});

test('a listing paper merges into the arXiv paper with the same title, whichever comes first', async () => {
  for (const order of [['listing', 'snapshot'], ['snapshot', 'listing']] as const) {
    const app = tempApp();
    try {
      for (const format of order) {
        const path = format === 'listing' ? fixture('listing-merge', 'listing.txt') : fixture('snapshot');
        const result = await runCli(['import', '--db', app.dbFile, '--format', format, path]);
        assert.equal(result.code, 0, result.err.join('\n'));
      }
      const stats = await app.store.stats();
      assert.equal(stats.papers, 200, `${order.join(' then ')}: one record per paper`);
      assert.equal(stats.listingOnly, 0);
      const paper = (await app.store.getPapers(['0704.0001'])).get('0704.0001')!;
      assert.equal(paper.title, 'Calculation of prompt diphoton production cross sections at Tevatron and LHC energies');
      assert.deepEqual(paper.sources.map((s) => s.source).sort(), ['listing', 'snapshot']);
      if (order[0] === 'listing') assert.equal(paper.aliases?.length, 1);
    } finally {
      app.cleanup();
    }
  }
});
