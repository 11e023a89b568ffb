import { absUrl, pdfUrl, type Paper } from '../../catalog/paper.js';
import type { PaperCounts } from '../ports.js';

/**
 * A paper in Hugging Face's `paper` shape, with HF's field names and types, for the fields this
 * catalog holds (no avatars, discussion ids or AI summaries).
 */
export function hfPaper(paper: Paper, counts: PaperCounts | undefined) {
  return {
    id: paper.id,
    authors: paper.authors.map((author) => ({ name: author.name })),
    publishedAt: new Date(paper.published).toISOString(),
    ...(paper.featuredAt ? { submittedOnDailyAt: new Date(paper.featuredAt).toISOString() } : {}),
    title: paper.title,
    summary: paper.abstract,
    upvotes: counts?.upvotes ?? 0,
    ...(paper.codeUrl ? { githubRepo: paper.codeUrl } : {}),
    ...(counts?.githubStars != null ? { githubStars: counts.githubStars } : {}),
    ...(paper.keywords && paper.keywords.length > 0 ? { ai_keywords: paper.keywords } : {}),
  };
}

/** One item of Hugging Face's `/api/daily_papers` (also what its paper search returns). */
export function hfDailyItem(paper: Paper, counts: PaperCounts | undefined) {
  return {
    paper: hfPaper(paper, counts),
    publishedAt: new Date(paper.published).toISOString(),
    title: paper.title,
    summary: paper.abstract,
    numComments: counts?.comments ?? 0,
  };
}

/** A paper in paperfeed's own API. */
export function apiPaper(paper: Paper, counts: PaperCounts | undefined) {
  return {
    id: paper.id,
    title: paper.title,
    abstract: paper.abstract,
    authors: paper.authors.map((author) => ({ name: author.name, ...(author.affiliations ? { affiliations: author.affiliations } : {}) })),
    categories: paper.categories,
    published: paper.published,
    updated: paper.updated,
    versions: paper.versions,
    featuredAt: paper.featuredAt ?? null,
    withdrawn: paper.withdrawn,
    comments: paper.comments ?? null,
    journalRef: paper.journalRef ?? null,
    doi: paper.doi ?? null,
    license: paper.license ?? null,
    codeUrl: paper.codeUrl ?? null,
    keywords: paper.keywords ?? [],
    upvotes: counts?.upvotes ?? 0,
    numComments: counts?.comments ?? 0,
    urls: paper.id.startsWith('pf:') ? { page: `/papers/${paper.id}` } : { page: `/papers/${paper.id}`, abs: absUrl(paper.id), pdf: pdfUrl(paper.id) },
  };
}
