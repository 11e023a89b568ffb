import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PaperfeedError } from '../../src/errors.js';
import { highlightTerms, looseQuery, parseQuery, withoutStopWords } from '../../src/search/query.js';
import { toFts } from '../../src/store/sqlite/search-sql.js';

const fts = (text: string) => toFts(parseQuery(text)!);

test('syntax: phrases, prefixes, exclusion, OR, groups and fields become quoted FTS5', () => {
  assert.equal(fts('"block diffusion"'), '"block diffusion"');
  assert.equal(fts('quantiz*'), '"quantiz" *');
  assert.equal(fts('diffusion -video'), '("diffusion" NOT "video")');
  assert.equal(fts('diffusion NOT video'), '("diffusion" NOT "video")');
  assert.equal(fts('llm OR transformer'), '("llm" OR "transformer")');
  assert.equal(fts('ti:graphene au:"Yann LeCun" abs:phonon cat:cs.CL'), '(title : "graphene" AND authors : "Yann LeCun" AND abstract : "phonon" AND categories : "cs.CL")');
  assert.equal(fts('ti:(a OR b) -c'), '((title : "a" OR title : "b") NOT "c")');
  assert.equal(fts('(time sharing) system'), '("time" AND "sharing" AND "system")');
});

test('broken input gets the sensible reading', () => {
  assert.equal(fts('"unbalanced quote'), '"unbalanced quote"');
  assert.equal(fts('((a b'), '("a" AND "b")');
  assert.equal(fts('a ) b'), '("a" AND "b")');
  assert.equal(fts('OR OR x AND'), '"x"');
  assert.equal(fts('🙂 diffusion ? --'), '"diffusion"');
  assert.equal(fts('tab\there\u0000nul\u202e'), '("tab" AND "here" AND "nul")');
  assert.equal(fts('unknown:field'), '"unknown:field"');
  assert.equal(fts('say "it""s'), '("say" AND "it" AND "s")');
});

test('SQL and FTS5 syntax in user text stay inside quoted strings', () => {
  assert.equal(fts(`'; DROP TABLE papers; --`), '("DROP" AND "TABLE" AND "papers;")');
  assert.equal(fts('NEAR(a b) title:x'), '("NEAR" AND "a" AND "b" AND title : "x")');
  assert.equal(fts('a"b'), '("a" AND "b")');
});

test('input with no sensible reading is bad_input naming the problem', () => {
  const badInput = (text: string, message: RegExp) =>
    assert.throws(() => parseQuery(text), (error: unknown) => error instanceof PaperfeedError && error.code === 'bad_input' && message.test(error.message));
  badInput('x'.repeat(10_240), /too long: 10240 characters/);
  badInput('-video', /only excludes/);
  badInput('-a -b NOT c', /only excludes/);
  badInput(Array.from({ length: 70 }, (_, i) => `w${i}`).join(' '), /too many words/);
  assert.equal(parseQuery(''), undefined);
  assert.equal(parseQuery('  ?? ** "" '), undefined);
});

test('stop words are dropped from plain word lists, kept in phrases and when alone', () => {
  assert.equal(toFts(withoutStopWords(parseQuery('what is the time sharing system')!)), '("time" AND "sharing" AND "system")');
  assert.equal(toFts(withoutStopWords(parseQuery('"the who" of')!)), '"the who"');
  assert.equal(toFts(withoutStopWords(parseQuery('the who')!)), '("the" AND "who")');
});

test('loose forms of a plain word list', () => {
  const loose = looseQuery(parseQuery('a b -c')!)!;
  assert.deepEqual({ anyWord: toFts(loose.anyWord), some: toFts(loose.some), words: loose.words }, { anyWord: '(("a" OR "b") NOT "c")', some: '((("a" OR "b") NOT ("a" AND "b")) NOT "c")', words: 2 });
  assert.equal(looseQuery(parseQuery('a OR b')!), undefined);
  // Read as a description, phrases are their content words (none for "to be"); prefix phrases stay whole.
  const description = looseQuery(parseQuery('time-sharing "the design of an operating system" user\'s "to be" state-spa* -x-ray')!)!;
  assert.equal(toFts(description.anyWord), '(("time" OR "sharing" OR "design" OR "operating" OR "system" OR "user" OR "state-spa" *) NOT "x-ray")');
  assert.equal(description.words, 5);
  assert.equal(toFts(looseQuery(parseQuery('"to be" "or not" "e.g." "a b"')!)!.anyWord), '("to be" OR "or not" OR "e.g." OR "a b")', 'nothing but such phrases: kept');
});

test('highlight terms are stemmed like the index, excluded words are not highlighted', () => {
  assert.deepEqual(highlightTerms(parseQuery('ti:Models quantiz* -video')), [
    { stem: 'model', prefix: false, field: 'title' },
    { stem: 'quantiz', prefix: true },
  ]);
});
