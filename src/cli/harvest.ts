import { openCatalog } from '../app.js';
import { importSource } from '../catalog/import.js';
import { resolveConfig } from '../config.js';
import { PaperfeedError } from '../errors.js';
import { arxivApi } from '../ingest/arxiv-api.js';
import { systemClock } from '../ingest/clock.js';
import { harvest } from '../ingest/oai-pmh.js';
import type { Source } from '../ingest/source.js';
import { reportImport } from './import.js';
import { intOption, stringOption, type Command, type ParsedArgs } from './command.js';
import { progressReporter } from './progress.js';

/** arXiv's endpoints; `--base-url` or the environment point paperfeed at another (a mirror, a test server). */
const DEFAULT_OAI_URL = 'https://oaipmh.arxiv.org/oai';
const DEFAULT_API_URL = 'https://export.arxiv.org';

export const harvestCommand: Command = {
  name: 'harvest',
  summary: 'fetch new and changed papers from arXiv (OAI-PMH, or the arXiv API)',
  usage: `usage: paperfeed harvest [--from YYYY-MM-DD] [--until YYYY-MM-DD] [--set <set>] [--metadata-prefix arXivRaw|arXiv]
       paperfeed harvest --api (--ids <id,id,...> | --query <arXiv query>) [--max-results N]

Without --api, harvests arXiv's OAI-PMH interface incrementally: each run starts where the last
complete run ended, and a run that was interrupted (killed, network down) resumes at the page it
stopped on. Requests keep arXiv's limit of one every 3 seconds and honour 503 Retry-After.

With --api, fetches papers from the arXiv API by id list or by query, page by page.

  --base-url          the endpoint (default: $PAPERFEED_OAI_URL or ${DEFAULT_OAI_URL};
                      with --api, $PAPERFEED_ARXIV_API_URL or ${DEFAULT_API_URL})
  --from, --until     datestamp range (OAI-PMH)
  --set               an OAI set such as cs or physics:hep-th
  --metadata-prefix   arXivRaw (default; has every version) or arXiv
  --json              print the summary as JSON on the last line

Exit codes as for import: 0 clean, 3 bad records skipped, 2 usage, 9 the remote server failed.`,
  options: {
    api: { type: 'boolean' },
    'base-url': { type: 'string' },
    from: { type: 'string' },
    until: { type: 'string' },
    set: { type: 'string' },
    'metadata-prefix': { type: 'string' },
    ids: { type: 'string' },
    query: { type: 'string' },
    'max-results': { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(parsed, io) {
    const app = openCatalog(resolveConfig({ db: stringOption(parsed, 'db') }));
    try {
      const source = parsed.values.api === true ? apiSource(parsed) : oaiSource(parsed, app.store, (line) => io.err(line));
      const progress = progressReporter(io);
      const counts = await importSource(app.store, source, {
        batchSize: 500,
        onError: (error) => io.err(`skipped ${error.ref}: ${error.reason}`),
        onProgress: (counts) => progress.update(counts, undefined),
      });
      progress.finish();
      return reportImport(counts, io, parsed.values.json === true);
    } finally {
      await app.close();
    }
  },
};

function oaiSource(parsed: ParsedArgs, state: Parameters<typeof harvest>[0]['state'], log: (line: string) => void): Source {
  const prefix = stringOption(parsed, 'metadata-prefix') ?? 'arXivRaw';
  if (prefix !== 'arXivRaw' && prefix !== 'arXiv') throw new PaperfeedError('usage', `--metadata-prefix: "${prefix}" is not arXivRaw or arXiv`);
  return harvest({
    baseUrl: baseUrl(parsed, process.env.PAPERFEED_OAI_URL ?? DEFAULT_OAI_URL),
    metadataPrefix: prefix,
    set: stringOption(parsed, 'set'),
    from: stringOption(parsed, 'from'),
    until: stringOption(parsed, 'until'),
    state,
    clock: systemClock,
    log: (event) => {
      if (event.type === 'page') log(`harvest: ${event.records} records from ${event.url}`);
      else if (event.type === 'wait' && event.reason !== 'interval') log(`harvest: waiting ${Math.round(event.ms / 1000)} s (${event.reason}${event.cause ? `: ${event.cause}` : ''})`);
      else if (event.type === 'restart') log(`harvest: ${event.reason}; restarting from ${event.from ?? 'the beginning'}`);
      else if (event.type === 'complete') log(`harvest: complete; the next run starts from ${event.nextFrom}`);
    },
  });
}

function apiSource(parsed: ParsedArgs): Source {
  const ids = stringOption(parsed, 'ids')?.split(',').map((id) => id.trim()).filter(Boolean);
  const query = stringOption(parsed, 'query');
  if (!ids?.length && !query) throw new PaperfeedError('usage', 'harvest --api: give --ids or --query');
  return arxivApi({
    baseUrl: baseUrl(parsed, process.env.PAPERFEED_ARXIV_API_URL ?? DEFAULT_API_URL),
    ids,
    query,
    maxResults: intOption(parsed, 'max-results', 1000, [1, 30_000]),
    clock: systemClock,
  });
}

function baseUrl(parsed: ParsedArgs, fallback: string): string {
  const url = stringOption(parsed, 'base-url') ?? fallback;
  if (!/^https?:\/\/[^\s]+$/.test(url)) throw new PaperfeedError('usage', `--base-url: "${url}" is not an http(s) URL`);
  return url.replace(/\/$/, '');
}
