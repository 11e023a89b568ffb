import type { z } from 'zod';
import type { SourceRecord } from '../catalog/paper.js';
import { readLines, type ReadProgress } from './files.js';
import type { SourceItem } from './source.js';

/** Parses one line of JSON Lines; a failure says what is wrong without throwing. */
export function parseJsonLine(line: string): { value: unknown } | { reason: string } {
  try {
    return { value: JSON.parse(line) };
  } catch (error) {
    return { reason: `invalid JSON: ${(error as Error).message}` };
  }
}

/** Turns a zod failure into one line naming the fields and what is wrong with them. */
export function zodReason(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const field = issue.path.join('.') || '(record)';
      return issue.code === 'invalid_type' && /received undefined/.test(issue.message)
        ? `field "${field}" is missing`
        : `field "${field}": ${issue.message}`;
    })
    .join('; ');
}

/**
 * Reads a JSON Lines file row by row: each line is parsed, checked against `schema`, and turned
 * into a record by `toRecord`, which returns a string to say why a row is bad. Every bad line is
 * an error item at `path:line`; blank lines are skipped.
 */
export async function* jsonLinesFile<T>(
  path: string,
  schema: z.ZodType<T>,
  toRecord: (row: T, ref: string) => SourceRecord | string,
  progress?: ReadProgress,
): AsyncGenerator<SourceItem> {
  for await (const { line, number } of readLines(path, progress)) {
    if (line.trim() === '') continue;
    const ref = `${path}:${number}`;
    const parsed = parseJsonLine(line);
    if ('reason' in parsed) {
      yield { error: { ref, reason: parsed.reason } };
      continue;
    }
    const row = schema.safeParse(parsed.value);
    if (!row.success) {
      yield { error: { ref, reason: zodReason(row.error) } };
      continue;
    }
    const result = toRecord(row.data, ref);
    yield typeof result === 'string' ? { error: { ref, reason: result } } : { record: result };
  }
}
