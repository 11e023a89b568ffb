import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Paper } from '../../src/catalog/paper.js';
import { trainLsa } from '../../src/search/lsa.js';
import { rankCandidates } from '../../src/search/similar.js';
import { sentences } from '../../src/search/text.js';

const paper = (id: string, title: string, abstract: string): Paper => ({
  id, title, abstract, authors: [], categories: [], withdrawn: false, versions: [],
  published: '2020-01-01T00:00:00.000Z', updated: '2020-01-01T00:00:00.000Z', provenance: {}, sources: [],
});

// Unrelated papers, so that the topic's words are rare enough to be in the model's vocabulary.
const fillers = ['Sorting networks', 'Graph coloring heuristics', 'Dark matter halos', 'Neutrino oscillations', 'Compiler register allocation',
  'Speech recognition', 'Market microstructure', 'Soil bacteria diversity', 'Robot grasping', 'Traffic flow forecasting', 'Image denoising', 'Protein folding']
  .map((title, i) => paper(`filler-${i}`, title, `${title} studied with standard methods. We report results on benchmarks.`));

const query = paper('query', 'Glacier melt', 'Alpine glaciers lose ice as summers warm. We model meltwater runoff with a snowpack energy balance.');

const modelOf = (papers: readonly Paper[]) => trainLsa([query, ...papers, ...fillers].map((p) => `${p.title}. ${p.abstract}`), { dims: 4 });

test('sentences split after a full stop before a capital, not inside "e.g. the" or "3.5"', () => {
  assert.deepEqual(sentences('We study X, e.g. the case of 3.5 times. Results show Y! Does it? yes. Über alles.'),
    ['We study X, e.g. the case of 3.5 times.', 'Results show Y!', 'Does it? yes.', 'Über alles.']);
});

test('similar papers: of two candidates with the same words, the one that matches a whole sentence of the paper ranks first', () => {
  // Same bag of words, so the same whole-paper cosines; only the sentences differ.
  const together = paper('together', 'Rivers downstream', 'Alpine glaciers lose ice as summers warm. Rivers carry sediment downstream to deltas.');
  const scattered = paper('scattered', 'Rivers downstream', 'Alpine rivers carry sediment as summers warm. Glaciers lose ice downstream to deltas.');
  const candidates = [scattered, together, ...fillers.slice(0, 4)];
  const ranked = rankCandidates(query, candidates, modelOf([together, scattered]));
  assert.deepEqual(ranked.slice(0, 2).map((item) => item.paper.id), ['together', 'scattered']);
});

test('similar papers: of two candidates equally close to the paper, the one closer to its best matches ranks first (feedback)', () => {
  const best = [
    paper('best-1', 'Glacier runoff', 'Meltwater runoff from alpine glaciers peaks in late summer.'),
    paper('best-2', 'Snowpack and runoff', 'A snowpack energy balance predicts meltwater runoff.'),
    paper('best-3', 'Ice loss', 'Alpine glaciers lose ice in warm summers.'),
  ];
  // The same text, so every list but the pretrained model's ties them; in its space both are as
  // close to the paper, but only `near` is close to the best matches.
  const near = paper('near', 'Snowpack', 'Snowpack discharge.');
  const far = paper('far', 'Snowpack', 'Snowpack discharge.');
  const unit = (...xs: number[]) => Float32Array.from(xs, (x) => x / Math.hypot(...xs));
  const vectors = new Map([['query', unit(1, 0, 0, 0)], ['near', unit(1, 1, 0, 0)], ['far', unit(1, 0, 1, 0)], ...best.map((p) => [p.id, unit(1, 1, 0, 0)] as const)]);
  const pretrained = (p: Paper) => vectors.get(p.id) ?? unit(0, 0, 0, 1);
  const ranked = rankCandidates(query, [far, near, ...best, ...fillers.slice(0, 4)], modelOf([...best, near, far]), [pretrained]);
  const order = ranked.map((item) => item.paper.id);
  assert.ok(order.indexOf('near') < order.indexOf('far'), order.join(' '));
});

test('similar papers: the query paper is never among the results', () => {
  const ranked = rankCandidates(query, [query, ...fillers], modelOf([]));
  assert.equal(ranked.length, fillers.length);
  assert.ok(!ranked.some((item) => item.paper.id === 'query'));
});
