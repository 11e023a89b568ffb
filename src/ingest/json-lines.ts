import { hash } from 'node:crypto';
import type { z } from 'zod';
import type { RecordError, SourceRecord } from '../catalog/paper.js';
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
 * Reads a JSON Lines file row by row, each line as an {@link UnparsedRecord}: parsing it checks it
 * against `schema` and turns it into a record by `toRecord`, which returns a string to say why a
 * row is bad. Every bad line is an error at `path:line`; blank lines are skipped.
 *
 * `parser` names the parser's version and every input of `toRecord` besides the line (such as a
 * listing's date): it goes into each line's fingerprint, so change it whenever `toRecord` would
 * make a different record of the same line.
 */
export async function* jsonLinesFile<T>(
  path: string,
  parser: string,
  schema: z.ZodType<T>,
  toRecord: (row: T, ref: string) => SourceRecord | string,
  progress?: ReadProgress,
): AsyncGenerator<SourceItem> {
  for await (const { line, number } of readLines(path, progress)) {
    if (line.trim() === '') continue;
    const fingerprint = hash('sha1', `${parser}\n${line}`, 'base64');
    yield { unparsed: { fingerprint, parse: () => parseRow(line, `${path}:${number}`, schema, toRecord) } };
  }
}

function parseRow<T>(
  line: string,
  ref: string,
  schema: z.ZodType<T>,
  toRecord: (row: T, ref: string) => SourceRecord | string,
): { record: SourceRecord } | { error: RecordError } {
  const parsed = parseJsonLine(line);
  if ('reason' in parsed) return { error: { ref, reason: parsed.reason } };
  const row = schema.safeParse(parsed.value);
  if (!row.success) return { error: { ref, reason: zodReason(row.error) } };
  const result = toRecord(row.data, ref);
  return typeof result === 'string' ? { error: { ref, reason: result } } : { record: result };
}
