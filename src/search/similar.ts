/**
 * Similar papers: a pure scorer that ranks candidates against a query paper, and the lookup of
 * a paper's nearest neighbours in the catalog, re-ranked by that scorer.
 */
import type { Paper } from '../catalog/paper.js';
import { PaperfeedError } from '../errors.js';
import { paperText, type Embedder } from './embedder.js';
import { LSA_FAMILY } from './embeddings.js';
import { zFusion, type Scored } from './fusion.js';
import { embedLsa, sparseDot, weigh, type LsaModel, type SparseVector } from './lsa.js';
import { sentences, terms } from './text.js';
import type { SearchStore } from './store.js';
import type { VectorIndex } from './vectors.js';

export interface ScoredPaper {
  paper: Paper;
  score: number;
}

/**
 * A paper's text as similar papers compare it: the title twice, as keyword search weighs it
 * (chosen on CACM), since a title names what a paper is about in a few words (CSFCube NDCG%20
 * 0.569 → 0.585 on the corpus alone, 0.581 either way with 74,728 more papers; docs/search.md).
 */
function comparedText(paper: Pick<Paper, 'title' | 'abstract'>): string {
  return `${paper.title}. ${paperText(paper)}`;
}

/** A paper's LSA vector, of the text similar papers compare. */
export const lsaVectorOf = (model: LsaModel) => (paper: Paper): Float32Array => embedLsa(model, comparedText(paper));

/**
 * Ranks candidates by similarity to the query paper, in two passes, all lists combined by
 * z-score fusion with equal weights (docs/search.md has the CSFCube figures for each part):
 *
 * 1. Whole papers: TF-IDF cosine (shared words) and one embedding cosine (shared topics) per
 *    model in `dense` (LSA's unless given others); the fusion beats either alone.
 * 2. Passages: for each sentence of the query paper (its title is one), the best TF-IDF cosine
 *    to a sentence of the candidate, averaged. A paper is often similar in one respect (its
 *    problem, its method or its results), which a whole-paper cosine dilutes.
 * 3. Feedback: each candidate's mean cosine, per model, to the top {@link FEEDBACK_PAPERS} of
 *    the whole-paper fusion (pseudo-relevance feedback): papers like the best matches move up.
 *
 * The query paper itself is never returned.
 */
export function rankCandidates(
  query: Paper,
  candidates: readonly Paper[],
  model: LsaModel,
  dense: readonly ((paper: Paper) => Float32Array)[] = [lsaVectorOf(model)],
): ScoredPaper[] {
  const others = candidates.filter((paper) => paper.id !== query.id);
  const texts = others.map((paper) => sparseVectors(model, paper));
  const sparse = texts.map(({ whole }) => whole);
  const queryText = sparseVectors(model, query);
  const lexical = { query: queryText.whole, similarity: (i: number, j: number) => sparseDot(sparse[i]!, sparse[j]!) };
  const topical = dense.map((vectorOf) => {
    const vectors = others.map(vectorOf);
    return { query: vectorOf(query), similarity: (i: number, j: number) => dot(vectors[i]!, vectors[j]!), vectors };
  });
  const wholePaper: Scored<number>[][] = [
    sparse.map((vector, i) => ({ key: i, score: sparseDot(lexical.query, vector) })),
    ...topical.map(({ query: queryVector, vectors }) => vectors.map((vector, i) => ({ key: i, score: dot(queryVector, vector) }))),
  ];
  const feedback = zFusion(wholePaper).slice(0, FEEDBACK_PAPERS).map(({ key }) => key);
  const likeFeedback = [lexical, ...topical].map(({ similarity }) => others.map((_, i): Scored<number> => {
    const peers = feedback.filter((key) => key !== i);
    return { key: i, score: peers.reduce((sum, key) => sum + similarity(i, key), 0) / Math.max(1, peers.length) };
  }));
  const passages = texts.map(({ sentences: candidateSentences }, i): Scored<number> => {
    const best = queryText.sentences.map((sentence) => Math.max(0, ...candidateSentences.map((other) => sparseDot(sentence, other))));
    return { key: i, score: best.reduce((sum, x) => sum + x, 0) / Math.max(1, best.length) };
  });
  return zFusion([...wholePaper, passages, ...likeFeedback]).map(({ key, score }) => ({ paper: others[key]!, score }));
}

/**
 * Top papers of the whole-paper ranking that feedback compares candidates with. Chosen by
 * two-fold cross-validation on CSFCube among 3, 5 and 10 (docs/search.md).
 */
const FEEDBACK_PAPERS = 5;

/**
 * A paper's TF-IDF vectors, from one pass over its words: of the text similar papers compare
 * (see {@link comparedText}), and of its title and each sentence of its abstract that has
 * words in the model.
 */
function sparseVectors(model: LsaModel, paper: Pick<Paper, 'title' | 'abstract'>): { whole: SparseVector; sentences: SparseVector[] } {
  const titleTerms = terms(paper.title);
  const parts = [titleTerms, ...sentences(paper.abstract).map(terms)];
  return {
    whole: weigh(model, [...titleTerms, ...parts.flat()]),
    sentences: parts.map((part) => weigh(model, part)).filter((vector) => vector.indexes.length > 0),
  };
}

function dot(x: Float32Array, y: Float32Array): number {
  let sum = 0;
  for (let d = 0; d < x.length; d += 1) sum += x[d]! * y[d]!;
  return sum;
}

/** What similar-paper lookup needs: the store, the LSA model, the embedder and its vector index. */
export interface SimilarDeps {
  store: SearchStore;
  /** The catalog's LSA model: its TF-IDF weights score shared words. */
  model: LsaModel;
  /** The model whose vectors fill `index`: LSA's, or a configured ONNX model's. */
  embedder: Embedder;
  index: VectorIndex;
}

/** Neighbours fetched from the vector index before re-ranking. */
const NEIGHBOURS = 100;

/**
 * The papers most similar to paper `id`, excluding itself: its nearest neighbours by LSA,
 * re-ranked with {@link rankCandidates}; or, with `candidateIds`, those papers ranked.
 */
export async function similarPapers(deps: SimilarDeps, id: string, options: { limit: number; candidateIds?: readonly string[] }): Promise<ScoredPaper[]> {
  const rowid = await deps.store.rowidOf(id);
  if (rowid === undefined) throw new PaperfeedError('not_found', `no paper ${id} in the catalog`);
  const query = (await deps.store.papersByRowids([rowid])).get(rowid)!;
  let rowids: number[];
  if (options.candidateIds) {
    rowids = [];
    for (const candidate of options.candidateIds) {
      const found = await deps.store.rowidOf(candidate);
      if (found === undefined) throw new PaperfeedError('not_found', `candidate ${candidate} is not in the catalog`);
      rowids.push(found);
    }
  } else {
    const vector = deps.index.vector(rowid) ?? (await deps.embedder.embed([paperText(query)]))[0]!;
    rowids = deps.index.search(vector, NEIGHBOURS + 1).map((match) => match.key);
  }
  const papers = await deps.store.papersByRowids(rowids.filter((key) => key !== rowid));
  if (deps.embedder.id.startsWith(LSA_FAMILY)) return rankCandidates(query, [...papers.values()], deps.model).slice(0, options.limit);
  const denseOf = await storedVectors(deps, new Map([...papers, [rowid, query]]));
  // The configured model's cosine joins LSA's rather than replacing it: with USE lite, CSFCube
  // NDCG%20 0.583 without LSA, 0.594 with it (docs/search.md).
  return rankCandidates(query, [...papers.values()], deps.model, [lsaVectorOf(deps.model), denseOf]).slice(0, options.limit);
}

/** The papers' vectors from the index, embedding in one batch those it lacks (papers added since `paperfeed embed`). */
async function storedVectors(deps: SimilarDeps, papers: ReadonlyMap<number, Paper>): Promise<(paper: Paper) => Float32Array> {
  const byId = new Map<string, Float32Array>();
  const missing: Paper[] = [];
  for (const [rowid, paper] of papers) {
    const vector = deps.index.vector(rowid);
    if (vector) byId.set(paper.id, vector);
    else missing.push(paper);
  }
  const embedded = await deps.embedder.embed(missing.map(paperText));
  missing.forEach((paper, i) => byId.set(paper.id, embedded[i]!));
  return (paper) => byId.get(paper.id)!;
}
