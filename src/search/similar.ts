/**
 * Similar papers: a pure scorer that ranks candidates against a query paper, and the lookup of
 * a paper's nearest neighbours in the catalog, re-ranked by that scorer.
 */
import type { Paper } from '../catalog/paper.js';
import { PaperfeedError } from '../errors.js';
import { paperText } from './embedder.js';
import { zFusion, type Scored } from './fusion.js';
import { embedLsa, sparseDot, tfidf, type LsaModel } from './lsa.js';
import type { SearchStore } from './store.js';
import type { VectorIndex } from './vectors.js';

export interface ScoredPaper {
  paper: Paper;
  score: number;
}

/**
 * Ranks candidates by similarity to the query paper: the z-score fusion of TF-IDF cosine
 * (shared words) and LSA cosine (shared topics), equally weighted; measured on CSFCube, the
 * fusion beats either alone (docs/search.md). The query paper itself is never returned.
 */
export function rankCandidates(query: Paper, candidates: readonly Paper[], model: LsaModel): ScoredPaper[] {
  const others = candidates.filter((paper) => paper.id !== query.id);
  const queryText = paperText(query);
  const querySparse = tfidf(model, queryText);
  const queryDense = embedLsa(model, queryText);
  const lexical: Scored<number>[] = [];
  const topical: Scored<number>[] = [];
  others.forEach((paper, i) => {
    const text = paperText(paper);
    lexical.push({ key: i, score: sparseDot(querySparse, tfidf(model, text)) });
    const dense = embedLsa(model, text);
    let cosine = 0;
    for (let d = 0; d < dense.length; d += 1) cosine += dense[d]! * queryDense[d]!;
    topical.push({ key: i, score: cosine });
  });
  return zFusion([lexical, topical]).map(({ key, score }) => ({ paper: others[key]!, score }));
}

/** What similar-paper lookup needs: the store, the model and the vector index built from it. */
export interface SimilarDeps {
  store: SearchStore;
  model: LsaModel;
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
    const vector = deps.index.vector(rowid) ?? embedLsa(deps.model, paperText(query));
    rowids = deps.index.search(vector, NEIGHBOURS + 1).map((match) => match.key);
  }
  const papers = await deps.store.papersByRowids(rowids.filter((key) => key !== rowid));
  return rankCandidates(query, [...papers.values()], deps.model).slice(0, options.limit);
}
