import { basename } from 'node:path';
import { z } from 'zod';
import { parseArxivId } from '../catalog/ids.js';
import { withdrawnByComment, type SourceRecord } from '../catalog/paper.js';
import { expandPaths, readLines, type ReadProgress } from './files.js';
import { parseJsonLine, zodReason } from './json-lines.js';
import type { Source } from './source.js';

const DailyRow = z.object({
  id: z.string().min(1),
  title: z.string().trim().min(1),
  summary: z.string(),
  authors: z.array(z.string()),
  categories: z.array(z.string()).min(1),
  comment: z.string().nullish(),
});

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
    for await (const { line, number } of readLines(path, progress)) {
      if (line.trim() === '') continue;
      const ref = `${path}:${number}`;
      const parsed = parseJsonLine(line);
      if ('reason' in parsed) {
        yield { error: { ref, reason: parsed.reason } };
        continue;
      }
      const row = DailyRow.safeParse(parsed.value);
      if (!row.success) {
        yield { error: { ref, reason: zodReason(row.error) } };
        continue;
      }
      const id = parseArxivId(row.data.id);
      if (!id) {
        yield { error: { ref, reason: `unknown id format "${row.data.id.slice(0, 80)}"` } };
        continue;
      }
      const record: SourceRecord = {
        source: 'daily-jsonl',
        id: id.id,
        observedAt,
        ref,
        fields: {
          title: row.data.title.replace(/\s+/g, ' '),
          abstract: row.data.summary.trim(),
          authors: row.data.authors.map((name) => ({ name: name.trim() })),
          categories: row.data.categories,
          comments: row.data.comment ?? '',
          withdrawn: withdrawnByComment(row.data.comment),
        },
      };
      if (id.version !== undefined) record.version = id.version;
      yield { record };
    }
  }
}
