import { createHash } from 'node:crypto';
import { PaperfeedError } from '../errors.js';
import type { Source, UnparsedRecord } from '../ingest/source.js';
import { isContentId } from './ids.js';
import { absorbContentPaper, mergeRecord, type Change } from './merge.js';
import { titleKey, type Paper, type RecordError, type Signal, type SourceRecord } from './paper.js';
import type { CatalogStore } from './store.js';

export interface ImportCounts {
  read: number;
  added: number;
  updated: number;
  unchanged: number;
  skipped: number;
}

export interface ImportOptions {
  /** Abort at the first bad record and write nothing of the run. */
  strict?: boolean;
  /** Records per transaction. */
  batchSize?: number;
  onError?: (error: RecordError) => void;
  onProgress?: (counts: ImportCounts) => void;
}

/**
 * Imports a source into the catalog: merges each record into the paper it describes, one
 * transaction per batch. Bad records are reported through `onError` and skipped, or, with
 * `strict`, abort the run with nothing written.
 */
export async function importSource(store: CatalogStore, source: Source, options: ImportOptions = {}): Promise<ImportCounts> {
  const counts: ImportCounts = { read: 0, added: 0, updated: 0, unchanged: 0, skipped: 0 };
  const batchSize = options.batchSize ?? 500;
  const writer = new BatchWriter(store, counts, options, (await store.countContentPapers()) > 0);

  const run = async () => {
    let pending: PendingRecord[] = [];
    for await (const item of source) {
      if ('checkpoint' in item) {
        await writer.write(pending);
        pending = [];
        await item.checkpoint();
        continue;
      }
      counts.read += 1;
      if ('error' in item) writer.reject(item.error);
      else pending.push('unparsed' in item ? item.unparsed : { fingerprint: fingerprint(item.record), record: item.record });
      if (pending.length >= batchSize) {
        await writer.write(pending);
        pending = [];
        options.onProgress?.(counts);
      }
    }
    await writer.write(pending);
    options.onProgress?.(counts);
  };

  if (options.strict) await store.transaction(run);
  else await run();
  await store.settle();
  return counts;
}

/** A record waiting for its batch, parsed (sources of whole records) or not yet (JSON Lines). */
type PendingRecord = { fingerprint: string; record: SourceRecord } | UnparsedRecord;

class BatchWriter {
  constructor(
    private readonly store: CatalogStore,
    private readonly counts: ImportCounts,
    private readonly options: ImportOptions,
    private hasContentPapers: boolean,
  ) {}

  /** Skips a bad record, or with `strict` stops the run. */
  reject(error: RecordError): void {
    if (this.options.strict) throw new PaperfeedError('bad_input', `${error.ref}: ${error.reason}`, { ref: error.ref });
    this.counts.skipped += 1;
    this.options.onError?.(error);
  }

  async write(batch: PendingRecord[]): Promise<void> {
    if (batch.length === 0) return;
    // A record merged before changes nothing when merged again (merge is idempotent), so a
    // re-import skips it by its fingerprint without parsing it, reading or merging the paper.
    const known = await this.store.knownFingerprints(batch.map((pending) => pending.fingerprint));
    const records: SourceRecord[] = [];
    const newFingerprints = new Set<string>();
    for (const pending of batch) {
      if (known.has(pending.fingerprint)) {
        this.counts.unchanged += 1;
        continue;
      }
      const parsed = 'record' in pending ? pending : pending.parse();
      if ('error' in parsed) {
        this.reject(parsed.error);
        continue;
      }
      records.push(parsed.record);
      newFingerprints.add(pending.fingerprint);
    }
    if (records.length === 0) return;
    const targets = await this.resolveTargets(records);
    const current = await this.store.getPapers([...new Set(targets)]);
    const changed = new Map<string, Paper>();
    const absorbed: { id: string; into: string }[] = [];
    const signals: Signal[] = [];
    const outcomes: { id: string; change: Change }[] = [];

    for (const [index, record] of records.entries()) {
      const id = targets[index]!;
      const before = current.get(id);
      let existing = before;
      let absorbedAny = false;
      if (this.hasContentPapers && !isContentId(id)) {
        const listings = await this.listingsFor(record);
        for (const listing of listings) {
          existing = absorbContentPaper(existing ?? mergeRecord(undefined, { ...record, id }).paper, listing);
          absorbed.push({ id: listing.id, into: id });
          absorbedAny = true;
        }
      }
      const merged = mergeRecord(existing, { ...record, id });
      const change: Change = !before ? 'added' : absorbedAny ? 'updated' : merged.change;
      current.set(id, merged.paper);
      if (change !== 'unchanged') changed.set(id, merged.paper);
      if (isContentId(id)) this.hasContentPapers = true;
      for (const signal of record.signals ?? []) signals.push({ ...signal, paperId: id });
      outcomes.push({ id, change });
    }

    const signalled = await this.store.writeBatch({ papers: [...changed.values()], absorbed, signals, fingerprints: [...newFingerprints] });
    for (const outcome of outcomes) {
      const gainedSignal = outcome.change === 'unchanged' && signalled.delete(outcome.id);
      this.counts[gainedSignal ? 'updated' : outcome.change] += 1;
    }
  }

  /** A listing record (content id) goes to the arXiv paper with the same title, when there is one. */
  private async resolveTargets(records: SourceRecord[]): Promise<string[]> {
    const targets: string[] = [];
    for (const record of records) {
      let target = record.id;
      if (isContentId(record.id)) {
        const namesakes = await this.store.findByTitleKey(titleKey(record.fields.title ?? ''));
        target = namesakes.find((paper) => !isContentId(paper.id))?.id ?? (await this.store.resolveAlias(record.id)) ?? record.id;
      }
      targets.push(target);
    }
    return targets;
  }

  /** Papers known only from listings that an arXiv record with the same title absorbs. */
  private async listingsFor(record: SourceRecord): Promise<Paper[]> {
    if (!record.fields.title) return [];
    const namesakes = await this.store.findByTitleKey(titleKey(record.fields.title));
    return namesakes.filter((paper) => isContentId(paper.id));
  }
}

/**
 * Identifies a record by everything merge reads from it; where it was read from does not count.
 * It starts with the paper's id so that a paper's fingerprints sit together in the store's index.
 */
function fingerprint(record: SourceRecord): string {
  const { ref: _ref, ...content } = record;
  return `${record.id} ${createHash('sha1').update(JSON.stringify(content)).digest('base64')}`;
}
