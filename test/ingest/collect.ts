import { fileURLToPath } from 'node:url';
import type { RecordError, SourceRecord } from '../../src/catalog/paper.js';
import type { Source } from '../../src/ingest/source.js';

/** The absolute path of a file or folder under `test/fixtures/`. */
export function fixture(path: string): string {
  return fileURLToPath(new URL(`../fixtures/${path}`, import.meta.url));
}

/** Drains a source into its records and its errors, each in the order the source gave them, parsing what it yields unparsed and saving its checkpoints as a consumer does. */
export async function collect(source: Source): Promise<{ records: SourceRecord[]; errors: RecordError[] }> {
  const records: SourceRecord[] = [];
  const errors: RecordError[] = [];
  for await (const item of source) {
    const parsed = 'unparsed' in item ? item.unparsed.parse() : item;
    if ('record' in parsed) records.push(parsed.record);
    else if ('checkpoint' in parsed) await parsed.checkpoint();
    else errors.push(parsed.error);
  }
  return { records, errors };
}
