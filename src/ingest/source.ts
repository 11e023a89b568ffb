import type { RecordError, SourceRecord } from '../catalog/paper.js';
import type { ReadProgress } from './files.js';

/** What a source yields: a record, or a bad record with where and why. */
export type SourceItem = { record: SourceRecord } | { error: RecordError };

/**
 * A source turns bytes into records, streaming, in constant memory. It touches no database.
 * The network sources take a base URL so that tests can point them at recorded responses.
 */
export type Source = AsyncIterable<SourceItem>;

/** The import formats the CLI takes with `--format`. */
export const FORMATS = ['snapshot', 'oai-pmh', 'arxiv-api', 'hf-daily', 'abs', 'listing', 'daily-jsonl'] as const;
export type Format = (typeof FORMATS)[number];

/** Opens the named format's source over files or folders. */
export type FileSource = (paths: readonly string[], progress?: ReadProgress) => Source;
