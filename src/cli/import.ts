import { openCatalog } from '../app.js';
import { importSource, type ImportCounts } from '../catalog/import.js';
import { resolveConfig } from '../config.js';
import { PaperfeedError } from '../errors.js';
import { openFileSource, parseFormat } from '../ingest/formats.js';
import { FORMATS } from '../ingest/source.js';
import { stringOption, type Command, type Io } from './command.js';
import { progressReporter } from './progress.js';

/** Exit code when the import finished but skipped bad records. */
const EXIT_SKIPPED = 3;

/** Prints an import's summary (as JSON with `--json`) and returns its exit code: 3 when records were skipped. */
export function reportImport(counts: ImportCounts, io: Io, json: boolean): number {
  const { read, added, updated, unchanged, skipped } = counts;
  io.out(json
    ? JSON.stringify({ read, added, updated, unchanged, skipped })
    : `read ${read}: ${added} added, ${updated} updated, ${unchanged} unchanged, ${skipped} skipped`);
  return skipped > 0 ? EXIT_SKIPPED : 0;
}

export const importCommand: Command = {
  name: 'import',
  summary: 'import papers from files or folders into the catalog',
  usage: `usage: paperfeed import --format <${FORMATS.join('|')}> [--strict] [--json] [--db <file>] <paths...>

Imports every record of the given files (folders are read recursively; .gz is read transparently).
Importing the same input again changes nothing.

  --format   the input format (required)
  --strict   stop at the first bad record and write nothing of the run
  --json     print the summary as JSON on the last line
  --db       the SQLite database (default: $PAPERFEED_DB or data/paperfeed.db; when
             $PAPERFEED_DATABASE_URL is set and --db is not, the catalog is on that PostgreSQL server)

Exit codes: 0 all records clean; 3 bad records were skipped (each reported on stderr);
2 usage error; 4 a bad record stopped a --strict run (nothing written).`,
  options: {
    format: { type: 'string' },
    strict: { type: 'boolean' },
    json: { type: 'boolean' },
  },
  async run(parsed, io) {
    const format = parseFormat(stringOption(parsed, 'format'));
    if (parsed.positionals.length === 0) throw new PaperfeedError('usage', 'import: give at least one file or folder to import');
    const { files, totalBytes, open } = await openFileSource(format, parsed.positionals);
    const app = openCatalog(resolveConfig({ db: stringOption(parsed, 'db') }));
    try {
      let bytesRead = 0;
      const progress = progressReporter(io);
      const counts = await importSource(app.store, open(files, { onRead: (bytes) => (bytesRead += bytes) }), {
        strict: parsed.values.strict === true,
        onError: (error) => io.err(`skipped ${error.ref}: ${error.reason}`),
        onProgress: (counts) => progress.update(counts, totalBytes > 0 ? bytesRead / totalBytes : undefined),
      });
      progress.finish();
      return reportImport(counts, io, parsed.values.json === true);
    } finally {
      await app.close();
    }
  },
};
