import {
  FIELD_NAMES, SOURCE_PRECEDENCE,
  type FieldName, type FieldOrigin, type Paper, type PaperFields, type SourceRecord, type SourceSighting, type Version,
} from './paper.js';

export type Change = 'added' | 'updated' | 'unchanged';

export interface MergeResult {
  paper: Paper;
  change: Change;
}

/**
 * Folds one source record into the catalog's current record of that paper. Pure: the result
 * depends only on the two inputs, so importing the same record again is `unchanged`.
 *
 * Precedence, field by field (docs/merge.md):
 * 1. a value describing a newer version wins over an older version's;
 * 2. for the same version (or when either side does not know its version), the source higher in
 *    {@link SOURCE_PRECEDENCE} wins;
 * 3. between equal sources, the later report wins;
 * 4. two reports of equal standing (a cross-listing in the same listing) keep the first value,
 *    except categories, which add up.
 *
 * A record without a version number whose title, abstract or authors differ from what a source of
 * equal or lower precedence said earlier is an announcement of a new version, so merge infers it.
 * Withdrawn papers are flagged, never removed; versions are only ever added.
 */
export function mergeRecord(existing: Paper | undefined, record: SourceRecord): MergeResult {
  const base = existing ?? emptyPaper(record);
  const next: Paper = {
    ...base,
    provenance: { ...base.provenance },
    versions: base.versions.slice(),
  };

  const inferred = inferNewVersion(existing, record);
  const recordVersion = record.version ?? inferred?.version;
  let changed = false;
  for (const version of record.versions ?? []) changed = addVersion(next.versions, version) || changed;
  if (inferred) changed = addVersion(next.versions, inferred) || changed;
  if (!existing && next.versions.length === 0) {
    addVersion(next.versions, { version: 1, date: record.observedAt, inferred: true });
  }

  for (const field of FIELD_NAMES) {
    const value = record.fields[field];
    if (value === undefined || isEmpty(value)) continue;
    const origin: FieldOrigin = recordVersion === undefined
      ? { source: record.source, at: record.observedAt }
      : { source: record.source, at: record.observedAt, version: recordVersion };
    const current = next.provenance[field];
    const order = current ? compareOrigins(origin, current) : 1;
    // Two reports of equal standing: a cross-listing repeats the paper, so its categories add up;
    // any other field keeps the first report, so that importing again changes nothing.
    const merged = order === 0 && field === 'categories' ? unionCategories(next.categories, value as string[]) : value;
    if (order < 0 || (order === 0 && field !== 'categories')) continue;
    if (!current || !sameValue(readField(next, field), merged)) {
      writeField(next, field, merged);
      next.provenance[field] = origin;
      changed = true;
    }
  }

  if (record.featuredAt && (!next.featuredAt || record.featuredAt < next.featuredAt)) {
    next.featuredAt = record.featuredAt;
    changed = true;
  }
  next.sources = sight(next.sources, record);
  changed ||= next.sources !== base.sources;
  next.versions.sort((a, b) => a.version - b.version);
  next.published = next.versions[0]?.date ?? record.observedAt;
  next.updated = next.versions.at(-1)?.date ?? next.published;

  if (!existing) return { paper: next, change: 'added' };
  return changed ? { paper: next, change: 'updated' } : { paper: existing, change: 'unchanged' };
}

/**
 * Merges a paper known only from a listing (a `pf:` content id) into the arXiv paper with the same
 * title: the arXiv record's fields keep precedence, and the content id becomes an alias.
 */
export function absorbContentPaper(target: Paper, content: Paper): Paper {
  const merged: Paper = { ...target, provenance: { ...target.provenance }, sources: target.sources.slice() };
  for (const field of FIELD_NAMES) {
    const origin = content.provenance[field];
    if (!origin || merged.provenance[field]) continue;
    writeField(merged, field, readField(content, field));
    merged.provenance[field] = origin;
  }
  for (const sighting of content.sources) {
    merged.sources = sight(merged.sources, { source: sighting.source, observedAt: sighting.firstSeen, ref: sighting.ref });
  }
  merged.aliases = [...new Set([...(target.aliases ?? []), content.id, ...(content.aliases ?? [])])];
  return merged;
}

function emptyPaper(record: SourceRecord): Paper {
  return {
    id: record.id,
    title: '',
    abstract: '',
    authors: [],
    categories: [],
    withdrawn: false,
    versions: [],
    published: record.observedAt,
    updated: record.observedAt,
    provenance: {},
    sources: [],
  };
}

const CONTENT_FIELDS: readonly FieldName[] = ['title', 'abstract', 'authors'];

function inferNewVersion(existing: Paper | undefined, record: SourceRecord): Version | undefined {
  if (!existing || record.version !== undefined || record.versions?.length) return undefined;
  const latest = existing.versions.at(-1);
  const contentChanged = CONTENT_FIELDS.some((field) => {
    const value = record.fields[field];
    const origin = existing.provenance[field];
    return value !== undefined && !isEmpty(value) && origin !== undefined
      && SOURCE_PRECEDENCE[origin.source] <= SOURCE_PRECEDENCE[record.source]
      && record.observedAt > origin.at
      && !sameValue(readField(existing, field), value);
  });
  if (!contentChanged || (latest && record.observedAt <= latest.date)) return undefined;
  return { version: (latest?.version ?? 0) + 1, date: record.observedAt, inferred: true };
}

/** Adds a version, or replaces an inferred one with a reported one; true when it changed anything. */
function addVersion(versions: Version[], version: Version): boolean {
  const index = versions.findIndex((v) => v.version === version.version);
  if (index < 0) {
    versions.push(version);
    return true;
  }
  if (versions[index]!.inferred && !version.inferred) {
    versions[index] = version;
    return true;
  }
  return false;
}

/** Positive when the incoming value should replace the current one, negative when not, 0 for a tie. */
function compareOrigins(incoming: FieldOrigin, current: FieldOrigin): number {
  if (incoming.version !== undefined && current.version !== undefined && incoming.version !== current.version) {
    return incoming.version - current.version;
  }
  const rank = SOURCE_PRECEDENCE[incoming.source] - SOURCE_PRECEDENCE[current.source];
  if (rank !== 0) return rank;
  return incoming.at === current.at ? 0 : incoming.at > current.at ? 1 : -1;
}

/** The current categories, primary first, plus any new ones. */
function unionCategories(current: string[], incoming: string[]): string[] {
  return [...new Set([...current, ...incoming])];
}

function sight(sources: SourceSighting[], record: Pick<SourceRecord, 'source' | 'observedAt' | 'ref'>): SourceSighting[] {
  const index = sources.findIndex((s) => s.source === record.source);
  if (index < 0) return [...sources, { source: record.source, firstSeen: record.observedAt, ref: record.ref }];
  if (record.observedAt >= sources[index]!.firstSeen) return sources;
  return sources.map((s, i) => (i === index ? { ...s, firstSeen: record.observedAt, ref: record.ref } : s));
}

function readField(paper: Paper, field: FieldName): unknown {
  return (paper as unknown as Record<string, unknown>)[field];
}

function writeField(paper: Paper, field: FieldName, value: unknown): void {
  (paper as unknown as Record<string, unknown>)[field] = value;
}

function isEmpty(value: PaperFields[FieldName]): boolean {
  return (typeof value === 'string' && value.trim() === '') || (Array.isArray(value) && value.length === 0);
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}
