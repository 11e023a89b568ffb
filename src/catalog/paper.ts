/**
 * The paper model: one record per arXiv id, with its versions, its metadata, and where each
 * piece of it came from. Sources emit {@link SourceRecord}s; {@link mergeRecord} folds them into
 * {@link Paper}s.
 */

/** Where records come from. The order of {@link SOURCE_PRECEDENCE} settles conflicts. */
export type SourceName = 'oai-pmh' | 'arxiv-api' | 'abs' | 'snapshot' | 'daily-jsonl' | 'hf-daily' | 'listing';

/**
 * Higher wins when two sources disagree about the same version of a paper. arXiv's own
 * interfaces are authoritative; the bulk snapshot lags them; daily crawls and Hugging Face copy
 * arXiv and sometimes mangle whitespace; a plain listing has nothing but a title and an abstract.
 */
export const SOURCE_PRECEDENCE: Record<SourceName, number> = {
  'oai-pmh': 7,
  'arxiv-api': 6,
  abs: 5,
  snapshot: 4,
  'daily-jsonl': 3,
  'hf-daily': 2,
  listing: 1,
};

export interface Author {
  name: string;
  affiliations?: string[];
}

export interface Version {
  version: number;
  /** ISO 8601 date-time of submission. */
  date: string;
  /** True when no source gave this version's number or date and merge inferred it from an announcement. */
  inferred?: boolean;
}

/** The metadata fields a source can supply. */
export interface PaperFields {
  title: string;
  abstract: string;
  authors: Author[];
  /** Primary category first. */
  categories: string[];
  comments: string;
  journalRef: string;
  doi: string;
  license: string;
  /** A code repository, e.g. from Hugging Face's `githubRepo`. */
  codeUrl: string;
  /** Topic keywords, e.g. Hugging Face's `ai_keywords`. */
  keywords: string[];
  withdrawn: boolean;
}

export type FieldName = keyof PaperFields;

export const FIELD_NAMES: readonly FieldName[] = [
  'title', 'abstract', 'authors', 'categories', 'comments', 'journalRef', 'doi', 'license', 'codeUrl', 'keywords', 'withdrawn',
];

/** Which source said a field's current value, when, and about which version. */
export interface FieldOrigin {
  source: SourceName;
  at: string;
  version?: number;
}

/**
 * When a source first reported a paper, and where (file:line or URL). Later reports that say
 * nothing new change nothing, which keeps imports idempotent; what they do change is dated in
 * the field's {@link FieldOrigin}.
 */
export interface SourceSighting {
  source: SourceName;
  firstSeen: string;
  ref: string;
}

/** A timestamped fact about attention, kept beside the paper, never overwritten. */
export interface Signal {
  paperId: string;
  source: string;
  kind: 'upvotes' | 'comments' | 'github_stars';
  value: number;
  observedAt: string;
}

export interface Paper extends Partial<Omit<PaperFields, 'title' | 'abstract' | 'authors' | 'categories' | 'withdrawn'>> {
  /** Canonical arXiv id without version, or a `pf:` content id for papers known only from a listing. */
  id: string;
  title: string;
  abstract: string;
  authors: Author[];
  categories: string[];
  withdrawn: boolean;
  versions: Version[];
  /** Date of v1, or of the first announcement when no version date is known. */
  published: string;
  /** Date of the latest version. */
  updated: string;
  /** When Hugging Face's daily list first featured the paper, if ever. */
  featuredAt?: string;
  provenance: Partial<Record<FieldName, FieldOrigin>>;
  sources: SourceSighting[];
  /** Content ids of listing papers merged into this one. */
  aliases?: string[];
}

/**
 * One paper as one source reported it at one time. Importers produce these and touch no
 * database; merge turns them into changes to the catalog.
 */
export interface SourceRecord {
  source: SourceName;
  id: string;
  /** The version the fields describe, when the source says. */
  version?: number;
  /** When the source said it: a datestamp, a file's date, a response time. ISO 8601. */
  observedAt: string;
  fields: Partial<PaperFields>;
  /** The version history, when the source gives it. */
  versions?: Version[];
  /** When Hugging Face featured the paper on its daily list. */
  featuredAt?: string;
  signals?: Omit<Signal, 'paperId'>[];
  /** file:line, or URL#entry, for error messages and provenance. */
  ref: string;
}

/** A record a source could not turn into a {@link SourceRecord}, with where and why. */
export interface RecordError {
  ref: string;
  reason: string;
}

export const absUrl = (id: string) => `https://arxiv.org/abs/${id}`;
export const pdfUrl = (id: string) => `https://arxiv.org/pdf/${id}`;

/**
 * Folds case, accents, LaTeX markup, punctuation and white space, so that the same title from a
 * listing and from arXiv compares equal.
 */
export function titleKey(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\\[a-z]+\s*/g, ' ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Folds case, accents and spacing, so "José  García" finds "Jose Garcia" (an author page's key). */
export function authorKey(name: string): string {
  return name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/** arXiv marks a withdrawal in the comments of the withdrawing version. */
export function withdrawnByComment(comment: string | null | undefined): boolean {
  return !!comment && /\b(this (paper|article|submission) (has been|is) withdrawn|withdrawn by the (author|submitter)|paper (has been )?withdrawn)/i.test(comment);
}
