import assert from 'node:assert/strict';
import { test } from 'node:test';
import { composeDigest, matchFieldFollow, type DigestPaper, type DigestPool } from '../../src/digest/compose.js';
import { followKey, type Follow } from '../../src/follows/follow.js';
import { digestSubject } from '../../src/digest/render.js';

const paper = (id: string, over: Partial<DigestPaper> = {}): DigestPaper => ({
  id, title: `Paper ${id}`, authors: ['Ada Lovelace'], abstract: 'Abstract.', categories: ['cs.LG'], upvotes: 0, ...over,
});

const topic: Follow = { kind: 'topic', query: 'diffusion LLM' };
const papers = new Map([
  paper('a'), paper('b', { categories: ['cs.CL', 'cs.LG'] }), paper('c', { authors: ['José García'] }), paper('d'), paper('e'),
].map((p) => [p.id, p]));

const pool: DigestPool = {
  papers,
  recent: ['e', 'd', 'c', 'b', 'a'],
  trending: ['a', 'b', 'd'],
  matches: new Map([[followKey(topic), ['d', 'e']]]),
};

test('trending and follows are fused; papers in several lists rise and say why', () => {
  const items = composeDigest({ size: 5, trending: true, follows: [topic] }, pool, new Set());
  assert.deepEqual(items.map((item) => [item.paper.id, item.reasons]), [
    ['d', ['trending', 'matches your topic "diffusion LLM"']],
    ['a', ['trending']],
    // b (trending #2) and e (topic #2) tie at 1/62; ties go by id.
    ['b', ['trending']],
    ['e', ['matches your topic "diffusion LLM"']],
  ]);
});

test('already sent papers are never picked again; nothing new is no digest', () => {
  const items = composeDigest({ size: 2, trending: true, follows: [] }, pool, new Set(['a']));
  assert.deepEqual(items.map((item) => item.paper.id), ['b', 'd']);
  assert.deepEqual(composeDigest({ size: 5, trending: true, follows: [] }, pool, new Set(['a', 'b', 'd'])), []);
  assert.deepEqual(composeDigest({ size: 5, trending: false, follows: [topic] }, { ...pool, matches: new Map() }, new Set()), []);
});

test('category follows match archives; author follows fold case and accents', () => {
  assert.deepEqual(matchFieldFollow({ kind: 'category', category: 'cs.CL' }, papers, pool.recent), ['b']);
  assert.deepEqual(matchFieldFollow({ kind: 'category', category: 'cs' }, papers, pool.recent), ['e', 'd', 'c', 'b', 'a']);
  assert.deepEqual(matchFieldFollow({ kind: 'author', name: 'jose  GARCIA' }, papers, pool.recent), ['c']);
});

test('the subject has the date and the top paper, on one line whatever the title holds', () => {
  const items = [{ paper: paper('x', { title: 'Evil\r\nBcc: victim@example.com' }), reasons: ['trending'] }];
  const subject = digestSubject({ items, date: new Date('2026-11-28T23:30:00Z'), timeZone: 'Asia/Tokyo' });
  assert.equal(subject, 'paperfeed 29 Nov 2026: Evil Bcc: victim@example.com');
});
