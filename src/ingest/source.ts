import type { RecordError, SourceRecord } from '../catalog/paper.js';
import type { ReadProgress } from './files.js';

/**
 * What a source yields: a record, a bad record with where and why, a record not parsed yet, or a
 * checkpoint — where a resumable source (the OAI-PMH harvester) stands, to be saved only once
 * every record yielded before it is written, so a run killed at any moment resumes without
 * losing a record.
 */
export type SourceItem = { record: SourceRecord } | { error: RecordError } | { unparsed: UnparsedRecord } | { checkpoint: () => Promise<void> };

/**
 * A record as its input bytes, parsed only on demand. Its fingerprint hashes those bytes with the
 * parser's version and whatever else the record is made of (a listing file's date), so an import
 * that merged it before skips it without parsing, validating or merging it.
 */
export interface UnparsedRecord {
  fingerprint: string;
  parse(): { record: SourceRecord } | { error: RecordError };
}

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
