/**
 * Ingest benchmark: imports every daily-listing file of a folder into a fresh database, then the
 * same again (which must change nothing), and prints one JSON line:
 * {"rows":..,"rows_per_s":..,"peak_rss_mb":..,"db_mb":..,"reimport_rows_per_s":..}
 *
 *   npm run bench:ingest -- ../shared/data/arxiv-daily/data [--format daily-jsonl]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createApp } from '../src/app.js';
import { importSource } from '../src/catalog/import.js';
import { openFileSource, parseFormat } from '../src/ingest/formats.js';
import { sqliteBytes } from './support.js';

const { values, positionals } = parseArgs({ options: { format: { type: 'string', default: 'daily-jsonl' } }, allowPositionals: true });
if (positionals.length === 0) throw new Error('usage: bench:ingest -- <folder or files...> [--format daily-jsonl]');
const format = parseFormat(values.format);
const dir = mkdtempSync(join(tmpdir(), 'paperfeed-bench-ingest-'));
const app = createApp({ dbFile: join(dir, 'paperfeed.db'), port: 0 });

try {
  const timed = async () => {
    const { files, open } = await openFileSource(format, positionals);
    const started = process.hrtime.bigint();
    const counts = await importSource(app.store, open(files));
    return { counts, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
  };
  const first = await timed();
  const again = await timed();
  if (again.counts.added + again.counts.updated !== 0) throw new Error(`re-import changed records: ${JSON.stringify(again.counts)}`);
  app.close();
  const dbBytes = sqliteBytes(dir);
  console.log(JSON.stringify({
    rows: first.counts.read,
    rows_per_s: Math.round(first.counts.read / first.seconds),
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    db_mb: Math.round(dbBytes / 1e6),
    reimport_rows_per_s: Math.round(again.counts.read / again.seconds),
  }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
