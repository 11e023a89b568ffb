import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SourceRecord } from '../../src/catalog/paper.js';
import { absSource } from '../../src/ingest/abs.js';
import { collect, fixture } from './collect.js';

const good = (path: string) => fixture(`abs/good/${path}`);

async function readOne(path: string): Promise<SourceRecord> {
  const { records, errors } = await collect(absSource([path]));
  assert.deepEqual(errors, []);
  assert.equal(records.length, 1);
  return records[0]!;
}

test('a latin-1 file is decoded as latin-1, with every version and header field', async () => {
  const path = good('ftp/arxiv/papers/1607/1607.08199.abs');
  const record = await readOne(path);
  assert.deepEqual(record, {
    source: 'abs',
    id: '1607.08199',
    version: 5,
    observedAt: '2017-04-05T18:19:17.000Z',
    fields: {
      title: 'Bridgeland Stability Conditions on Fano Threefolds',
      authors: [{ name: 'Marcello Bernardara' }, { name: 'Emanuele Macr\\`i' }, { name: 'Benjamin Schmidt' }, { name: 'Xiaolei Zhao' }],
      withdrawn: false,
      abstract: record.fields.abstract,
      categories: ['math.AG'],
      comments: '24 pages, 1 figure. Fifth version: Official version of the journal',
      journalRef: 'Épijournal de Géométrie Algébrique, Volume 1 (September 1, 2017) epiga:3255',
      license: 'http://creativecommons.org/licenses/by-sa/4.0/',
    },
    versions: [
      { version: 1, date: '2016-07-27T17:52:31.000Z' },
      { version: 2, date: '2016-08-18T16:20:16.000Z' },
      { version: 3, date: '2017-01-09T18:52:20.000Z' },
      { version: 4, date: '2017-03-20T23:56:56.000Z' },
      { version: 5, date: '2017-04-05T18:19:17.000Z' },
    ],
    ref: `${path}:3`,
  });
  assert.match(record.fields.abstract!, /^We show the existence of Bridgeland stability conditions on all Fano\nthreefolds,/);
  assert.match(record.fields.abstract!, /toric Frobenius morphism\.$/);
});

test('a withdrawn paper is flagged, and files under orig/ describe the version in their name', async () => {
  const { records, errors } = await collect(absSource([
    good('ftp/arxiv/papers/0704/0704.0615.abs'),
    good('orig/arxiv/papers/0704/0704.0615v1.abs'),
    good('orig/arxiv/papers/0704/0704.0615v4.abs'),
  ]));
  assert.deepEqual(errors, []);
  const [current, first, fourth] = records;

  assert.equal(current!.version, 3);
  assert.equal(current!.fields.withdrawn, true);
  assert.equal(current!.fields.comments, 'This papers has been withdrawn');
  assert.equal(current!.fields.abstract, 'This paper has been withdrawn due to a problem in one of the figures.');
  assert.deepEqual(current!.versions?.map((v) => v.version), [1, 2, 3]);

  assert.equal(first!.version, 1);
  assert.equal(first!.fields.withdrawn, false);
  assert.equal(first!.observedAt, '2007-04-04T17:36:18.000Z');
  assert.deepEqual(first!.versions, [{ version: 1, date: '2007-04-04T17:36:18.000Z' }]);

  // The orig/ copy of v4 is newer than the ftp/ file: the paper came back after its withdrawal.
  assert.equal(fourth!.version, 4);
  assert.equal(fourth!.fields.withdrawn, false);
  assert.equal(fourth!.fields.journalRef, 'Systematic Biology (2008), 57(2): 251-56');
  assert.equal(fourth!.observedAt, '2013-09-29T04:15:22.000Z');
});

test('an old-style id keeps its archive, and an early version may lack categories', async () => {
  const current = await readOne(good('ftp/hep-th/papers/9901/9901001.abs'));
  assert.equal(current.id, 'hep-th/9901001');
  assert.equal(current.version, 3);
  assert.deepEqual(current.versions, [
    { version: 1, date: '1999-01-01T01:01:10.000Z' },
    { version: 2, date: '1999-01-05T21:36:42.000Z' },
    { version: 3, date: '1999-05-10T04:45:54.000Z' },
  ]);
  assert.deepEqual(current.fields.categories, ['hep-th']);
  assert.equal(current.fields.doi, '10.1143/PTP.101.1155');
  assert.equal(current.fields.journalRef, 'Prog.Theor.Phys.101:1155-1164,1999');

  const first = await readOne(good('orig/hep-th/papers/9901/9901001v1.abs'));
  assert.equal(first.id, 'hep-th/9901001');
  assert.equal(first.version, 1);
  assert.equal(first.fields.categories, undefined);
  assert.equal(first.fields.comments, '12 pages + 4 eps figures, LaTeX');
  assert.match(first.fields.abstract!, /^We give the correspondence/);
});

test('wrapped header lines are joined, and affiliations come out of the author line', async () => {
  const record = await readOne(good('ftp/arxiv/papers/0704/0704.0199.abs'));
  assert.equal(record.fields.title, 'Decomposition numbers for finite Coxeter groups and generalised non-crossing partitions');
  assert.equal(record.fields.comments, 'AmS-LaTeX; 65 pages. Final version to appear in Trans. Amer. Math. Soc');
  assert.deepEqual(record.fields.categories, ['math.CO', 'math.GR']);
  assert.deepEqual(record.fields.authors, [
    { name: 'Christian Krattenthaler', affiliations: ['Universit\\"at Wien'] },
    { name: 'Thomas M\\"uller', affiliations: ['Queen Mary & Westfield College, University of London'] },
  ]);

  const enumerated = await readOne(good('ftp/arxiv/papers/0704/0704.0025.abs'));
  assert.deepEqual(enumerated.fields.authors, [
    { name: 'A. S. Mishchenko', affiliations: ['CREST, Japan Science and Technology Agency', "Russian Research Centre ``Kurchatov Institute''"] },
    { name: 'N. Nagaosa', affiliations: ['CREST, Japan Science and Technology Agency', 'The University of Tokyo'] },
  ]);
});

test('a \\\\ line inside the abstract\'s TeX does not end the abstract', async () => {
  const record = await readOne(good('ftp/arxiv/papers/2004/2004.02153.abs'));
  assert.match(record.fields.abstract!, /^We construct global generalized solutions to the chemotaxis system\n/);
  assert.match(record.fields.abstract!, /\\lambda\(x\) u - \\mu\(x\) u\^\\kappa,\n\\\\\n  v_t = \\Delta v - v \+ u\n/);
  assert.match(record.fields.abstract!, /collapse into a persistent Dirac distribution\.$/);
});

test('the old "Paper:" id line is read too', async () => {
  const path = fixture('abs/crafted/9108001.abs');
  const record = await readOne(path);
  assert.equal(record.id, 'hep-th/9108001');
  assert.equal(record.ref, `${path}:3`);
  assert.equal(record.fields.title, 'An old-format header that wraps its title');
  assert.equal(record.fields.withdrawn, true);
  assert.deepEqual(record.fields.authors, [
    { name: 'A. Lovelace', affiliations: ['Analytical Engine Society'] },
    { name: 'C. Babbage', affiliations: ['Analytical Engine Society'] },
  ]);
  assert.equal(record.fields.abstract, 'Before arXiv: prefixes, the id line read "Paper:".');
});

test('a folder is read file by file; one id in two files gives two records', async () => {
  const { records, errors } = await collect(absSource([fixture('abs/good')]));
  assert.deepEqual(errors, []);
  assert.deepEqual(records.map((r) => `${r.id}v${r.version}`), [
    '0704.0025v1', '0704.0199v3', '0704.0615v3', '1607.08199v5', '2004.02153v1',
    'cs/0006008v1', 'cs/0006008v1', 'hep-th/9901001v3',
    '0704.0615v1', '0704.0615v4', 'hep-th/9901001v1',
  ]);
  const twins = records.filter((r) => r.id === 'cs/0006008');
  assert.deepEqual(twins.map((r) => r.ref), [good('ftp/cs/papers/0006/0006007.abs:3'), good('ftp/cs/papers/0006/0006008.abs:3')]);
  assert.deepEqual(twins[0]!.fields.authors, [{ name: 'Cynthia Dwork' }, { name: 'Joseph Y. Halpern' }, { name: 'O. Waarts' }]);
});

test('a bad file is an error at its path and line, and the other files still come through', async () => {
  const bad = (name: string) => fixture(`abs/bad/${name}`);
  const { records, errors } = await collect(absSource([fixture('abs/bad'), good('ftp/arxiv/papers/2004/2004.02153.abs')]));
  assert.deepEqual(records.map((r) => r.id), ['2004.02153']);
  assert.deepEqual(errors, [
    { ref: `${bad('0509037.abs')}:1`, reason: 'empty file' },
    { ref: `${bad('bad-date.abs')}:6`, reason: 'unreadable date "Fri, 31 Feb 2024 10:00:00 GMT (1kb)"' },
    { ref: `${bad('no-id.abs')}:3`, reason: 'no arXiv: id line' },
    { ref: `${bad('no-title.abs')}:3`, reason: 'no Title line' },
    { ref: `${bad('truncated.abs')}:18`, reason: 'the abstract is not closed by a \\\\ line (truncated file?)' },
    { ref: `${bad('unknown-id.abs')}:3`, reason: 'unknown id format "2401.1"' },
  ]);
});
