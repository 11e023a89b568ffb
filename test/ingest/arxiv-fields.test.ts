import assert from 'node:assert/strict';
import { test } from 'node:test';
import { authorName, categoryList, decodeTexAccents, firstDoi, isoDate } from '../../src/ingest/arxiv-fields.js';

test('TeX accents in author names decode to Unicode; other TeX is left alone', () => {
  const cases: [string, string][] = [
    ["C. Bal\\'azs", 'C. Balázs'],
    ['R. Tom\\`as', 'R. Tomàs'],
    ['M{\\"u}ller and M\\"{u}ller', 'Müller and Müller'],
    ['\\v{S}koda, Fran\\c{c}ois, Erd\\H{o}s', 'Škoda, François, Erdős'],
    ["Mart\\'{\\i}nez", 'Martínez'],
    ['{\\O}stergaard, Micha{\\l} Kowalski, Gau\\ss{} X', 'Østergaard, Michał Kowalski, Gauß X'],
    ['\\emph{x} and \\cite{y}', '\\emph{x} and \\cite{y}'],
  ];
  for (const [tex, text] of cases) assert.equal(decodeTexAccents(tex), text, tex);
});

test('the small field readers', () => {
  assert.equal(isoDate('Mon, 2 Apr 2007 19:18:42 GMT'), '2007-04-02T19:18:42.000Z');
  assert.equal(isoDate('2014-01-09'), '2014-01-09T00:00:00.000Z');
  assert.equal(isoDate('2016-10-09T00:00:00-04:00'), '2016-10-09T04:00:00.000Z');
  assert.equal(isoDate('not a date'), undefined);
  assert.deepEqual(categoryList('cs.SE', 'cs.LG cs.SE'), ['cs.SE', 'cs.LG']);
  assert.equal(firstDoi('10.1103/PhysRevD.93.016005, 10.1103/PhysRevD.98.079901;10.1103/PhysRevD.98.079903'), '10.1103/PhysRevD.93.016005');
  assert.equal(authorName('Curtis J.', 'Saxton', 'Walton', ''), 'Curtis J. Saxton Walton');
  assert.equal(authorName('', ':', ''), undefined);
});
