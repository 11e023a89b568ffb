import type { Paper } from '../../catalog/paper.js';
import type { Segment } from '../../search/types.js';
import type { TrendingBreakdown } from '../../trending/score.js';
import { oneLine } from './text.js';

/** Links to an author's, a category's and a paper's pages. */
export const authorHref = (name: string) => `/authors/${encodeURIComponent(name)}`;
export const categoryHref = (category: string) => `/categories/${encodeURIComponent(category)}`;
export const paperHref = (id: string) => `/papers/${id}`;

/** What a list shows beside a paper, when known. */
export interface PaperExtras {
  upvotes?: number | null;
  score?: number;
  /** The search's best passage, its matches marked. */
  snippet?: Segment[];
}

/** A paper in a list: title, authors, date, categories, and its upvotes and score when known. */
export function PaperCard({ paper, extras = {} }: { paper: Paper; extras?: PaperExtras }) {
  const shown = paper.authors.slice(0, 6);
  return (
    <article class="card">
      <h3><a href={paperHref(paper.id)}>{oneLine(paper.title)}</a></h3>
      <p class="authors">
        {shown.map((author, index) => <>{index > 0 && ', '}<a href={authorHref(author.name)}>{author.name}</a></>)}
        {paper.authors.length > shown.length && ` and ${paper.authors.length - shown.length} more`}
      </p>
      {extras.snippet && <p class="snippet"><Segments segments={extras.snippet} /></p>}
      <p class="meta">
        <time datetime={paper.published}>{paper.published.slice(0, 10)}</time>
        {paper.categories.slice(0, 3).map((category) => <> · <a href={categoryHref(category)}>{category}</a></>)}
        {extras.upvotes != null && <> · <span class="votes">{`▲ ${extras.upvotes}`}<span class="visually-hidden"> upvotes</span></span></>}
        {extras.score !== undefined && <> · <span class="score">{`score ${extras.score.toFixed(2)}`}</span></>}
      </p>
    </article>
  );
}

/** Text with the search's matches marked; the text is escaped like any other. */
export function Segments({ segments }: { segments: Segment[] }) {
  return <>{segments.map((segment) => (segment.match ? <mark>{segment.text}</mark> : segment.text))}</>;
}

/** A numbered list of paper cards, or a sentence when it is empty. */
export function PaperList({ papers, extras, empty }: { papers: Paper[]; extras?: (paper: Paper) => PaperExtras; empty: string }) {
  if (papers.length === 0) return <p class="empty">{empty}</p>;
  return (
    <ol class="papers">
      {papers.map((paper) => <li><PaperCard paper={paper} extras={extras?.(paper) ?? {}} /></li>)}
    </ol>
  );
}

/** Previous/next links of a paged list. */
export function Pager({ previous, next }: { previous?: string | undefined; next?: string | undefined }) {
  if (!previous && !next) return null;
  return (
    <nav class="pager" aria-label="Pages">
      {previous && <a rel="prev" href={previous}>← Previous</a>}
      {next && <a rel="next" href={next}>Next →</a>}
    </nav>
  );
}

/** The terms of a paper's trending score, as docs/trending.md defines them. */
export function BreakdownTable({ breakdown, score }: { breakdown: TrendingBreakdown; score: number }) {
  return (
    <table class="breakdown">
      <tbody>
        <tr><th scope="row">Upvotes on paperfeed in the window</th><td>{breakdown.ourVotes}</td></tr>
        <tr><th scope="row">Upvotes gained on Hugging Face in the window</th><td>{breakdown.externalGrowth}</td></tr>
        <tr><th scope="row">Points</th><td>{breakdown.points}</td></tr>
        <tr><th scope="row">Age (hours)</th><td>{breakdown.ageHours.toFixed(1)}</td></tr>
        <tr><th scope="row">Half-life (hours)</th><td>{breakdown.halfLifeHours}</td></tr>
        <tr><th scope="row">Decay = 0.5^(age / half-life)</th><td>{breakdown.decay.toFixed(4)}</td></tr>
        <tr><th scope="row">Score = points × decay</th><td>{score.toFixed(3)}</td></tr>
      </tbody>
    </table>
  );
}
