/**
 * Similar papers: a pure scorer that ranks candidates against a query paper, and the lookup of
 * a paper's nearest neighbours in the catalog, re-ranked by that scorer.
 */
import type { Paper } from '../catalog/paper.js';
import { PaperfeedError } from '../errors.js';
import { paperText, type Embedder } from './embedder.js';
import { LSA_FAMILY } from './embeddings.js';
import { zFusion, type Scored } from './fusion.js';
import { projectLsa, sparseDot, weigh, type LsaModel } from './lsa.js';
import { sentences, terms } from './text.js';
import type { SearchStore } from './store.js';
import type { VectorIndex } from './vectors.js';

export interface ScoredPaper {
  paper: Paper;
  score: number;
}

/**
 * Ranks candidates by similarity to the query paper, in two passes, all lists combined by
 * z-score fusion with equal weights (docs/search.md has the CSFCube figures for each part):
 *
 * 1. Whole papers: TF-IDF cosine (shared words), LSA cosine (shared topics), and the cosine of
 *    each `pretrained` model's vectors; the fusion beats any one alone.
 * 2. Passages, by TF-IDF and by LSA: for each sentence of the query paper (its title is one),
 *    the best cosine to a sentence of the candidate, averaged. A paper is often similar in one
 *    respect (its problem, its method or its results), which a whole-paper cosine dilutes.
 * 3. Feedback, by each model of 1: a candidate's mean cosine to the top {@link FEEDBACK_PAPERS}
 *    of the whole-paper fusion (pseudo-relevance feedback), so papers like the best matches move up.
 *
 * The query paper itself is never returned.
 */
export function rankCandidates(
  query: Paper,
  candidates: readonly Paper[],
  model: LsaModel,
  pretrained: readonly ((paper: Paper) => Float32Array)[] = [],
): ScoredPaper[] {
  const others = candidates.filter((paper) => paper.id !== query.id);
  const mine = paperVectors(model, query);
  const theirs = others.map((paper) => paperVectors(model, paper));
  const wholePapers = [
    compare(mine.words, theirs.map((vectors) => vectors.words), sparseDot),
    compare(mine.topics, theirs.map((vectors) => vectors.topics), dot),
    ...pretrained.map((vectorOf) => compare(vectorOf(query), others.map(vectorOf), dot)),
  ];
  const passages = [
    compare(mine.sentenceWords, theirs.map((vectors) => vectors.sentenceWords), bestSentences(sparseDot)),
    compare(mine.sentenceTopics, theirs.map((vectors) => vectors.sentenceTopics), bestSentences(dot)),
  ];
  const scoresOf = (score: (i: number) => number) => others.map((_, i): Scored<number> => ({ key: i, score: score(i) }));
  const firstPass = wholePapers.map(({ toQuery }) => scoresOf(toQuery));
  const top = zFusion(firstPass).slice(0, FEEDBACK_PAPERS).map(({ key }) => key);
  const feedback = wholePapers.map(({ between }) => scoresOf((i) => {
    const peers = top.filter((key) => key !== i);
    return peers.reduce((sum, key) => sum + between(i, key), 0) / Math.max(1, peers.length);
  }));
  const fused = zFusion([...firstPass, ...passages.map(({ toQuery }) => scoresOf(toQuery)), ...feedback]);
  return fused.map(({ key, score }) => ({ paper: others[key]!, score }));
}

/**
 * Top papers of the whole-paper ranking that feedback compares candidates with. In two-fold
 * cross-validation on CSFCube among 3, 5 and 10, one half chose 3 and the other 5 (docs/search.md).
 */
const FEEDBACK_PAPERS = 5;

/** Cosines of one kind of vector, by candidate number: to the query paper, and between two candidates. */
interface Comparison {
  toQuery: (i: number) => number;
  between: (i: number, j: number) => number;
}

function compare<V>(query: V, candidates: readonly V[], cosine: (a: V, b: V) => number): Comparison {
  return { toQuery: (i) => cosine(query, candidates[i]!), between: (i, j) => cosine(candidates[i]!, candidates[j]!) };
}

/** Compares sentence lists: each query sentence's best cosine to a candidate sentence, averaged. */
function bestSentences<V>(cosine: (a: V, b: V) => number): (query: V[], candidate: V[]) => number {
  return (query, candidate) => query.reduce((sum, sentence) => sum + Math.max(0, ...candidate.map((other) => cosine(sentence, other))), 0) / Math.max(1, query.length);
}

/**
 * A paper's TF-IDF and LSA vectors, from one pass over its words: of the whole paper, and of its
 * title and each sentence of its abstract that has words in the model. The whole paper counts
 * its title twice, as keyword search weighs it (chosen on CACM), since a title names what a
 * paper is about in a few words (CSFCube NDCG%20 0.569 → 0.585 on the corpus alone; docs/search.md).
 */
function paperVectors(model: LsaModel, paper: Pick<Paper, 'title' | 'abstract'>) {
  const titleTerms = terms(paper.title);
  const parts = [titleTerms, ...sentences(paper.abstract).map(terms)];
  const words = weigh(model, [...titleTerms, ...parts.flat()]);
  const sentenceWords = parts.map((part) => weigh(model, part)).filter((vector) => vector.indexes.length > 0);
  return { words, topics: projectLsa(model, words), sentenceWords, sentenceTopics: sentenceWords.map((vector) => projectLsa(model, vector)) };
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
    const vector = (await deps.index.vectors([rowid])).get(rowid) ?? (await deps.embedder.embed([paperText(query)]))[0]!;
    rowids = (await deps.index.search(vector, NEIGHBOURS + 1)).map((match) => match.key);
  }
  const papers = await deps.store.papersByRowids(rowids.filter((key) => key !== rowid));
  if (deps.embedder.id.startsWith(LSA_FAMILY)) return rankCandidates(query, [...papers.values()], deps.model).slice(0, options.limit);
  const denseOf = await storedVectors(deps, new Map([...papers, [rowid, query]]));
  // The configured model's cosine joins LSA's rather than replacing it: with USE lite, CSFCube
  // NDCG%20 0.583 without LSA, 0.594 with it (docs/search.md).
  return rankCandidates(query, [...papers.values()], deps.model, [denseOf]).slice(0, options.limit);
}

/** The papers' vectors from the index, embedding in one batch those it lacks (papers added since `paperfeed embed`). */
async function storedVectors(deps: SimilarDeps, papers: ReadonlyMap<number, Paper>): Promise<(paper: Paper) => Float32Array> {
  const byId = new Map<string, Float32Array>();
  const missing: Paper[] = [];
  const stored = await deps.index.vectors([...papers.keys()]);
  for (const [rowid, paper] of papers) {
    const vector = stored.get(rowid);
    if (vector) byId.set(paper.id, vector);
    else missing.push(paper);
  }
  const embedded = await deps.embedder.embed(missing.map(paperText));
  missing.forEach((paper, i) => byId.set(paper.id, embedded[i]!));
  return (paper) => byId.get(paper.id)!;
}
