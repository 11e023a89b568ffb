import { z } from 'zod';
import { parseArxivId } from '../catalog/ids.js';
import { withdrawnByComment, type Author, type SourceRecord, type Version } from '../catalog/paper.js';
import { expandPaths, type ReadProgress } from './files.js';
import { jsonLinesFile } from './json-lines.js';
import type { Source } from './source.js';

const SnapshotRow = z.object({
  id: z.string().min(1),
  authors: z.string(),
  title: z.string().trim().min(1),
  comments: z.string().nullish(),
  'journal-ref': z.string().nullish(),
  doi: z.string().nullish(),
  categories: z.string().trim().min(1),
  license: z.string().nullish(),
  abstract: z.string(),
  versions: z.array(z.object({ version: z.string().regex(/^v\d+$/), created: z.string() })).min(1),
  update_date: z.string().nullish(),
  authors_parsed: z.array(z.array(z.string())).nullish(),
});
type SnapshotRow = z.infer<typeof SnapshotRow>;

/**
 * The bulk arXiv metadata snapshot (`arxiv-metadata-oai-snapshot.json`, JSON Lines, 2.7M rows,
 * 4.5 GB; `.gz` read transparently). Streams line by line in constant memory.
 */
export async function* snapshot(paths: readonly string[], progress?: ReadProgress): Source {
  for (const path of await expandPaths(paths, ['.json', '.jsonl', '.json.gz', '.jsonl.gz'])) {
    yield* jsonLinesFile(path, 'snapshot/1', SnapshotRow, toRecord, progress);
  }
}

function toRecord(row: SnapshotRow, ref: string): SourceRecord | string {
  const id = parseArxivId(row.id);
  if (!id) return `unknown id format "${row.id.slice(0, 80)}"`;
  const versions: Version[] = [];
  for (const { version, created } of row.versions) {
    const date = new Date(created);
    if (Number.isNaN(date.getTime())) return `field "versions": "${created}" is not a date`;
    versions.push({ version: Number(version.slice(1)), date: date.toISOString() });
  }
  const latest = versions.reduce((a, b) => (b.version > a.version ? b : a));
  return {
    source: 'snapshot',
    id: id.id,
    version: latest.version,
    observedAt: row.update_date ? `${row.update_date}T00:00:00.000Z` : latest.date,
    ref,
    versions,
    fields: {
      title: row.title.replace(/\s+/g, ' '),
      abstract: row.abstract.trim(),
      authors: parseAuthors(row),
      categories: row.categories.split(/\s+/),
      comments: row.comments ?? '',
      journalRef: row['journal-ref'] ?? '',
      doi: row.doi ?? '',
      license: row.license ?? '',
      withdrawn: withdrawnByComment(row.comments),
    },
  };
}

/** `authors_parsed` holds [last, first, suffix] with TeX accents already decoded; fall back to the raw list. */
function parseAuthors(row: SnapshotRow): Author[] {
  if (row.authors_parsed?.length) {
    return row.authors_parsed.map(([last = '', first = '', suffix = '']) => ({
      name: [first, last, suffix].filter((part) => part.trim() !== '').join(' ').replace(/\s+/g, ' '),
    }));
  }
  return row.authors.split(/,\s*|\s+and\s+/).filter(Boolean).map((name) => ({ name: name.trim() }));
}
