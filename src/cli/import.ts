import { openCatalog } from '../app.js';
import { importSource } from '../catalog/import.js';
import { resolveConfig } from '../config.js';
import { PaperfeedError } from '../errors.js';
import { openFileSource, parseFormat } from '../ingest/formats.js';
import { FORMATS } from '../ingest/source.js';
import { stringOption, type Command } from './command.js';
import { progressReporter } from './progress.js';

/** Exit code when the import finished but skipped bad records. */
export const EXIT_SKIPPED = 3;

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
      const summary = { read: counts.read, added: counts.added, updated: counts.updated, unchanged: counts.unchanged, skipped: counts.skipped };
      io.out(parsed.values.json
        ? JSON.stringify(summary)
        : `read ${summary.read}: ${summary.added} added, ${summary.updated} updated, ${summary.unchanged} unchanged, ${summary.skipped} skipped`);
      return counts.skipped > 0 ? EXIT_SKIPPED : 0;
    } finally {
      await app.close();
    }
  },
};
