import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { importSource } from '../../src/catalog/import.js';
import { openFileSource } from '../../src/ingest/formats.js';
import { KeywordEngine } from '../../src/search/keyword-engine.js';
import { EXACT_TOTAL, KeywordIndex, planOf, type IndexedText } from '../../src/search/keyword-index.js';
import { looseQuery, parseQuery, withoutStopWords } from '../../src/search/query.js';
import { toFts } from '../../src/store/sqlite/search-sql.js';
import { keywordPage } from '../../src/search/service.js';
import { fixture, tempApp } from '../support.js';

let app: ReturnType<typeof tempApp>;

before(async () => {
  app = tempApp();
  const { files, open } = await openFileSource('snapshot', [fixture('snapshot')]);
  await importSource(app.store, open(files));
  await app.store.settle();
});
after(() => app.cleanup());

/**
 * Queries the in-memory index answers: words, common words, prefixes, OR, exclusions, long lists,
 * and short lists that few papers match in full, followed by the papers with some of the words;
 * title and author words; phrases (the index's candidates, verified by the store).
 */
const QUERIES = [
  'quantum', 'the model', 'dipole approximation', 'spectroscop*', 'graphene OR pfaffians', 'field -quantum',
  'theory of quantum field models with gauge symmetry', 'cs', 'approximations', 'a*', '(phys* OR field) -quantum',
  'graphene pfaffians', 'quantum spectroscop* -field',
  'ti:quantum', 'au:wang', 'ti:quant* -au:li', 'au:wang OR au:li', 'ti:(quantum theory)', 'title:theory field',
  '"quantum field"', '"quantum field" -gauge', '"of the"', 'ti:"quantum field"', 'au:"wang"', 'x-ray', '"dipole approximation" scattering',
];

test('the in-memory index matches the papers FTS5 matches, with the same totals, and pages its own ranking', async () => {
  const memory = new KeywordEngine(app.searchStore);
  await memory.build();
  for (const text of QUERIES) {
    const node = withoutStopWords(parseQuery(text)!);
    assert.ok(planOf(node), `the index answers ${text}`);
    const loose = looseQuery(node);
    // The papers with some of the words of a list with a phrase (an OR of a phrase) come from FTS5.
    if (loose && !text.includes('"')) assert.ok(planOf(loose.some), `the index answers the papers with some of the words of ${text}`);
    const fts = await keywordPage({ store: app.searchStore }, node, {}, 'relevance', undefined, 100, 0);
    const mem = await keywordPage({ store: app.searchStore, memory }, node, {}, 'relevance', undefined, 100, 0);
    assert.equal(mem.total, fts.total, `total of ${text}`);
    if (fts.total <= 100) assert.deepEqual(mem.hits.map((hit) => hit.paper.id).sort(), fts.hits.map((hit) => hit.paper.id).sort(), `${text} (${toFts(node)})`);
    const page = await keywordPage({ store: app.searchStore, memory }, node, {}, 'relevance', undefined, 20, 10);
    assert.deepEqual(page.hits, mem.hits.slice(10, 30), `second page of ${text}`);
  }
  memory.close();
});

test('scores are BM25 (k1 1.2, b 0.5, FTS5\'s IDF) with lengths in content words, title words twice', () => {
  const index = new KeywordIndex();
  index.put(1, { title: 'Alpha beta', authors: '', abstract: 'the of and on a x', categories: '' }); // 2 + 2; stop words and "x" do not count
  index.put(2, { title: 'gamma', authors: '', abstract: 'delta epsilon', categories: '' }); // 2 + 1 + 1
  index.put(3, { title: '', authors: 'Zeta Eta', abstract: 'theta iota', categories: '' }); // 4
  index.put(4, { title: '', authors: '', abstract: 'kappa alpha', categories: '' }); // 2
  index.put(5, { title: '', authors: '', abstract: 'lambda mu', categories: '' }); // 2
  const [averageLength, papers, withAlpha] = [(4 + 4 + 4 + 2 + 2) / 5, 5, 2];
  const idf = Math.log((papers - withAlpha + 0.5) / (withAlpha + 0.5));
  const bm25 = (tf: number, length: number) => idf * (tf * 2.2) / (tf + 1.2 * (0.5 + (0.5 * length) / averageLength));
  const { hits } = index.search(planOf(parseQuery('alpha')!)!, 10);
  assert.deepEqual(hits.map((hit) => hit.rowid), [1, 4]);
  assert.ok(Math.abs(hits[0]!.score - bm25(2, 4)) < 1e-12, `${hits[0]!.score} vs ${bm25(2, 4)}`);
  assert.ok(Math.abs(hits[1]!.score - bm25(1, 2)) < 1e-12, `${hits[1]!.score} vs ${bm25(1, 2)}`);
});

test('abstract and category fields, and phrases in OR lists or exclusions, are left to FTS5', () => {
  for (const text of ['abs:graphene', 'cat:cs.CL', '(a b) OR c', '"dipole approximation" OR graphene', 'quantum -"dipole approximation"', 'ti:graphene OR abs:graphene']) {
    assert.equal(planOf(withoutStopWords(parseQuery(text)!)), undefined, text);
  }
});

test('ti: and au: match only the title or the author names, scored by BM25 over that field\'s papers', () => {
  const index = new KeywordIndex();
  index.put(1, { title: 'Diffusion benchmarks', authors: 'Wei Wang, Ana Li', abstract: 'We study sampling.', categories: 'cs.LG' });
  index.put(2, { title: 'Sampling', authors: 'Ana Li', abstract: 'A benchmark of diffusion with Wang polynomials.', categories: 'cs.LG' });
  index.put(3, { title: 'Benchmark benchmark', authors: 'Bo Chen', abstract: 'Nothing else.', categories: 'cs.CL' });
  const rowids = (text: string) => index.search(planOf(parseQuery(text)!)!, 10).hits.map((hit) => hit.rowid);
  assert.deepEqual(rowids('benchmark'), [3, 1, 2]);
  assert.deepEqual(rowids('ti:benchmark'), [3, 1], 'the title\'s, not the abstract\'s');
  assert.deepEqual(rowids('au:wang'), [1]);
  assert.deepEqual(rowids('au:li -ti:sampling'), [1]);
  assert.deepEqual(rowids('ti:bench*'), [3, 1]);
  assert.deepEqual(rowids('a*').sort(), [1, 2], 'paper 3 has no word starting with a: a plain prefix is not the field terms it starts (authors:…)');
  assert.deepEqual(rowids('wang ti:diffusion'), [1]);
  // IDF over the papers with the word in that field: 2 of 3 titles have "benchmark".
  const { hits } = index.search(planOf(parseQuery('ti:benchmark')!)!, 10);
  const idf = Math.log((3 - 2 + 0.5) / (2 + 0.5));
  assert.ok(hits[0]!.score > 0 && idf <= 0, 'FTS5 clamps a negative IDF to a tiny positive one, as for any word');
});

test('doc numbers survive delta coding: gaps of one, two and three bytes, and papers replaced or removed between packs', () => {
  const index = new KeywordIndex();
  const rare = [1, 2, 130, 20_000, 40_000];
  for (let rowid = 1; rowid <= 40_000; rowid += 1) index.put(rowid, { title: rare.includes(rowid) ? 'rare common' : 'common', authors: '', abstract: '', categories: '' });
  const rowids = (text: string, k = 10) => index.search(planOf(parseQuery(text)!)!, k).hits.map((hit) => hit.rowid).sort((a, b) => a - b);
  assert.deepEqual(rowids('rare'), rare);
  index.flush();
  index.remove(2);
  index.put(130, { title: 'common', authors: '', abstract: '', categories: '' });
  index.put(50_000, { title: 'rare', authors: '', abstract: '', categories: '' });
  assert.deepEqual(rowids('rare'), [1, 20_000, 40_000, 50_000]);
  assert.equal(index.search(planOf(parseQuery('common rare')!)!, 10).total, 3);
  assert.equal(index.search(planOf(parseQuery('common')!)!, 10).total, 39_999);
});

test('a phrase is planned as its words and verified against the store: concrete papers', async () => {
  const memory = new KeywordEngine(app.searchStore);
  await memory.build();
  const engines = { store: app.searchStore, memory };
  const withPhrase = await keywordPage(engines, parseQuery('"quantum field"'), {}, 'relevance', undefined, 50, 0);
  const ids = withPhrase.hits.map((hit) => hit.paper.id);
  assert.deepEqual([...ids].sort(), ['0704.0052', '0704.0066', '0704.0097']);
  assert.ok(withPhrase.hits.every((hit) => /quantum\s+fields?\b/i.test(`${hit.paper.title} ${hit.paper.abstract}`)), ids.join());
  const plan = planOf(parseQuery('"quantum field"')!)!;
  assert.equal(plan.verify, true);
  assert.deepEqual(plan.required, [[{ text: 'quantum', prefix: false }], [{ text: 'field', prefix: false }]]);
  const words = await keywordPage(engines, parseQuery('quantum field'), {}, 'relevance', undefined, 100, 0);
  assert.ok(words.total > withPhrase.total, 'some papers have both words apart');
  // The page keeps the index's order of the papers with the words.
  assert.deepEqual(ids, words.hits.map((hit) => hit.paper.id).filter((id) => ids.includes(id)));
  assert.equal(planOf(parseQuery('"quantum"')!)!.verify, false, 'a quoted word is the word');
  memory.close();
});

test('the index follows the changes log: new, changed and deleted papers', async () => {
  const memory = new KeywordEngine(app.searchStore);
  await memory.build();
  const plan = planOf(parseQuery('zyxwordinquestion')!)!;
  const prefix = planOf(parseQuery('zyxwordin*')!)!;
  assert.equal((await memory.search(plan, 10))!.total, 0);
  assert.equal((await memory.search(prefix, 10))!.total, 0);
  const [paper] = (await app.search.search({ text: 'graphene', limit: 1 })).items.map((item) => item.paper);
  await app.store.writeBatch({ papers: [{ ...paper!, abstract: `${paper!.abstract} zyxwordinquestion` }], absorbed: [], signals: [], fingerprints: [] });
  const found = (await memory.search(plan, 10))!;
  assert.equal(found.total, 1);
  assert.deepEqual((await memory.search(prefix, 10))!.hits.map((hit) => hit.rowid), found.hits.map((hit) => hit.rowid), 'a word new since the last prefix search');
  assert.equal(found.hits[0]!.rowid, await app.searchStore.rowidOf(paper!.id));
  await app.store.writeBatch({ papers: [paper!], absorbed: [], signals: [], fingerprints: [] });
  assert.equal((await memory.search(plan, 10))!.total, 0);
  memory.close();
});

test('until the index is built, FTS5 answers at once, and the build runs off the event loop', async () => {
  const memory = new KeywordEngine(app.searchStore);
  const node = withoutStopWords(parseQuery('quantum field')!);
  const fts = await keywordPage({ store: app.searchStore }, node, {}, 'relevance', undefined, 10, 0);
  assert.equal(await memory.search(planOf(node)!, 10), undefined, 'not built yet: the caller falls back');
  const first = await keywordPage({ store: app.searchStore, memory }, node, {}, 'relevance', undefined, 10, 0);
  assert.deepEqual(first.hits.map((hit) => hit.paper.id), fts.hits.map((hit) => hit.paper.id));
  await memory.build();
  const built = await keywordPage({ store: app.searchStore, memory }, node, {}, 'relevance', undefined, 10, 0);
  assert.equal(built.total, fts.total);
  memory.close();
});

test('beyond EXACT_TOTAL matches a total is estimated (conjunctions, OR lists, exclusions), and skipping blocks keeps the exact top k', () => {
  const index = new KeywordIndex();
  const papers = 3 * EXACT_TOTAL;
  for (let rowid = 1; rowid <= papers; rowid += 1) {
    // Every paper has both words; some have them more often, and lengths vary, so scores differ.
    const extra = rowid % 89 === 0 ? ' alpha beta alpha' : rowid % 7 === 0 ? ' alpha' : '';
    index.put(rowid, { title: `alpha beta${extra}`, authors: '', abstract: 'filler '.repeat(rowid % 13), categories: '' });
  }
  const plan = planOf(parseQuery('alpha beta')!)!;
  const top = index.search(plan, 10);
  const exhaustive = index.search(plan, papers + 1);
  assert.equal(top.estimated, true);
  assert.ok(Math.abs(top.total - papers) / papers < 0.05, `about ${papers}: ${top.total}`);
  assert.deepEqual(top.hits, exhaustive.hits.slice(0, 10));
  const single = index.search(planOf(parseQuery('alpha')!)!, 10);
  assert.deepEqual([single.total, single.estimated], [papers, false], 'one word: its list length, exact');
  assert.deepEqual(single.hits, index.search(planOf(parseQuery('alpha')!)!, papers + 1).hits.slice(0, 10), 'one word skips blocks too');
  const any = planOf(parseQuery('alpha OR filler OR beta')!)!;
  assert.deepEqual(index.search(any, 10).hits, index.search(any, papers + 1).hits.slice(0, 10), 'an OR list skips blocks too');
  assert.deepEqual(pick(index.search(any, 10)), { total: papers, estimated: true }, 'every paper has alpha: the OR list\'s estimate is exact');
  // Papers whose rowid is a multiple of 13 have no filler.
  const unfilled = index.search(planOf(parseQuery('alpha -filler')!)!, 10);
  assert.equal(unfilled.estimated, true);
  assert.ok(Math.abs(unfilled.total - papers / 13) / (papers / 13) < 0.05, `about ${papers / 13}: ${unfilled.total}`);
});

function pick({ total, estimated }: { total: number; estimated: boolean }) {
  return { total, estimated };
}

test('packs over many chunks, with papers removed and replaced between them, search as a fresh index of the live papers', () => {
  // Chunks of about 40 postings: each pack rewrites dozens of them, a common word's list alone is larger than one.
  const chunked = new KeywordIndex({ chunkPostings: 40 });
  const live = new Map<number, IndexedText>();
  const vocabulary = ['quantum', 'field', 'graphene', 'spin', 'lattice', 'gauge', 'photon', 'boson', 'phase', 'model', 'theory', 'random'];
  let seed = 7;
  const next = (n: number) => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) % n;
  const paper = (rowid: number): IndexedText => {
    const pick = (count: number) => Array.from({ length: count }, () => vocabulary[next(vocabulary.length)]).join(' ');
    // A rare word of its own per paper adds terms that only a few papers share.
    return { title: pick(1 + next(3)), authors: `Author${next(20)}`, abstract: `${pick(next(12))} rare${rowid % 17}`, categories: 'cs.LG' };
  };
  for (let round = 0; round < 6; round += 1) {
    for (let i = 0; i < 120; i += 1) {
      const rowid = 1 + next(400);
      if (next(5) === 0) { chunked.remove(rowid); live.delete(rowid); continue; }
      const text = paper(rowid);
      chunked.put(rowid, text);
      live.set(rowid, text);
    }
    // A pack leaves the bounds to the next search (as after the last round), a flush computes them.
    if (round % 2 === 1) chunked.pack();
    else chunked.flush();
  }
  const fresh = new KeywordIndex();
  for (const [rowid, text] of live) fresh.put(rowid, text);
  for (const text of ['quantum', 'quantum field', 'gauge OR boson', 'phase -model', 'rare1*', 'ra*', 'ti:spin', 'au:author3', 'theory lattice -(photon random)', 'rare5']) {
    const plan = planOf(parseQuery(text)!)!;
    assert.deepEqual(chunked.search(plan, 50), fresh.search(plan, 50), text);
  }
  assert.equal(chunked.packed, fresh.packed, 'dead papers\' postings are gone');
});
