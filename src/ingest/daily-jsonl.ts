import { basename } from 'node:path';
import { z } from 'zod';
import { parseArxivId } from '../catalog/ids.js';
import { withdrawnByComment, type SourceRecord } from '../catalog/paper.js';
import { expandPaths, type ReadProgress } from './files.js';
import { jsonLinesFile } from './json-lines.js';
import type { Source } from './source.js';

const DailyRow = z.object({
  id: z.string().min(1),
  title: z.string().trim().min(1),
  summary: z.string(),
  authors: z.array(z.string()),
  categories: z.array(z.string()).min(1),
  comment: z.string().nullish(),
});
type DailyRow = z.infer<typeof DailyRow>;

/**
 * Daily listings of new arXiv papers as JSON Lines, one file per day named `YYYY-MM-DD.jsonl[.gz]`.
 * The rows carry no dates, so the file's date is when arXiv announced them. The same id twice in
 * one file is a cross-listing; the same id on a later day with other content is a new version.
 */
export async function* dailyJsonl(paths: readonly string[], progress?: ReadProgress): Source {
  for (const path of await expandPaths(paths, ['.jsonl', '.jsonl.gz'])) {
    const date = /^(\d{4}-\d{2}-\d{2})/.exec(basename(path))?.[1];
    if (!date) {
      yield { error: { ref: path, reason: 'file name does not start with the listing date (YYYY-MM-DD)' } };
      continue;
    }
    const observedAt = `${date}T00:00:00.000Z`;
    yield* jsonLinesFile(path, `daily-jsonl/1 ${observedAt}`, DailyRow, (row, ref) => toRecord(row, ref, observedAt), progress);
  }
}

function toRecord(row: DailyRow, ref: string, observedAt: string): SourceRecord | string {
  const id = parseArxivId(row.id);
  if (!id) return `unknown id format "${row.id.slice(0, 80)}"`;
  const record: SourceRecord = {
    source: 'daily-jsonl',
    id: id.id,
    observedAt,
    ref,
    fields: {
      title: row.title.replace(/\s+/g, ' '),
      abstract: row.summary.trim(),
      authors: row.authors.map((name) => ({ name: name.trim() })),
      categories: row.categories,
      comments: row.comment ?? '',
      withdrawn: withdrawnByComment(row.comment),
    },
  };
  if (id.version !== undefined) record.version = id.version;
  return record;
}
