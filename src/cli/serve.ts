import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createApp, type App } from '../app.js';
import { importSource } from '../catalog/import.js';
import { resolveConfig } from '../config.js';
import { openFileSource } from '../ingest/formats.js';
import { createWebApp } from '../web/server.js';
import { digestWebOptions } from '../web/digest-routes.js';
import { communityRoutes } from '../web/community-routes.js';
import { PaperfeedError } from '../errors.js';
import { resolveJobSettings, startJobs } from '../jobs/jobs.js';
import { stringOption, type Command, type Io } from './command.js';

/** The sample catalog shipped with the repo: Hugging Face daily papers responses, gzipped. */
export const SAMPLE_DIR = fileURLToPath(new URL('../../sample/hf-daily', import.meta.url));

/** What a node does: `web` serves HTTP and sends recurring jobs, `worker` also runs them but serves nothing. */
const ROLES = ['web', 'worker', 'all'] as const;
type Role = (typeof ROLES)[number];

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the web server and the background jobs',
  usage: `usage: paperfeed serve [--role web|worker|all] [--port <n>] [--load-sample] [--db <file>]

  --role          web: HTTP only; worker: background jobs only (digests, harvest, embeddings,
                  Hugging Face daily papers); all (default): both, as on one machine.
                  Every role keeps the recurring jobs' schedule; each period's job runs once
                  on one worker however many nodes share the database.
  --port          port to listen on (default: $PORT or 8080)
  --load-sample   import the sample catalog first if the database is empty

  Jobs: PAPERFEED_DIGEST_EVERY (default 1m), PAPERFEED_HARVEST=<set>|all with
  PAPERFEED_HARVEST_EVERY (default 6h), PAPERFEED_EMBED_EVERY (off unless set),
  PAPERFEED_HF_DAILY_URL with PAPERFEED_HF_DAILY_EVERY (default 1h); "off" turns one off.`,
  options: { port: { type: 'string' }, 'load-sample': { type: 'boolean' }, role: { type: 'string' } },
  async run(parsed, io) {
    const role = (stringOption(parsed, 'role') ?? 'all') as Role;
    if (!ROLES.includes(role)) throw new PaperfeedError('usage', `--role: "${role}" is not web, worker or all`);
    const settings = resolveJobSettings(process.env);
    const app = createApp(resolveConfig({ db: stringOption(parsed, 'db'), port: stringOption(parsed, 'port') }));
    if (parsed.values['load-sample'] === true) await loadSampleIfEmpty(app, io);
    const onError = (error: Error) => io.err(`jobs: ${error.message}`);
    app.digests.onEvent((event) => io.err(`digest: ${event.type} for subscriber ${event.subscriberId}: ${event.error.message}`));
    app.jobs.onEvent((event) => io.err(event.type === 'failed' ? `${event.name}: job ${event.id} failed: ${event.error.message}` : `jobs: ${event.error.message}`));
    const server = role === 'worker' ? undefined : await listen(app, (error) => io.err(`digest: ${error.message}`));
    // Built now, not on the first search: FTS5 answers meanwhile, and a build that overlaps
    // traffic slows every route of this node for as long as it runs (docs/web.md).
    if (server) app.search.warm().catch((error: Error) => io.err(`search: the keyword index was not built: ${error.message}`));
    const stopJobs = await startJobs(app, app.jobs, settings, {
      work: role !== 'web',
      onReport: ({ job, summary }) => io.err(`${job}: ${JSON.stringify(summary)}`),
      onError,
    });
    const where = app.config.databaseUrl === undefined ? app.config.dbFile : 'the PostgreSQL database';
    io.err(server
      // The bound port, not the configured one: --port 0 picks a free port.
      ? `paperfeed serving ${where} on http://localhost:${(server.address() as AddressInfo).port} (role ${role})`
      : `paperfeed worker on ${where}: running ${Object.keys(settings).join(', ') || 'no jobs'}`);
    await new Promise<void>((resolve) => {
      const stop = () => (server ? server.close(() => resolve()) : resolve());
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await stopJobs();
    await app.close();
    return 0;
  },
};

/** Serves the site, with the digest and community pages, on the configured port. */
async function listen(app: App, onError: (error: Error) => void) {
  const digestOptions = digestWebOptions(app, { onError });
  const web = createWebApp(app, { ...digestOptions, extensions: [...digestOptions.extensions, communityRoutes(app, { onError })] });
  const server = serve({ fetch: web.fetch, port: app.config.port, hostname: '0.0.0.0' });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  return server;
}

/** Imports the shipped sample into an empty catalog, so a fresh clone shows a populated site. */
export async function loadSampleIfEmpty(app: App, io: Io): Promise<void> {
  if ((await app.store.countPapers()) > 0) return;
  const started = Date.now();
  const { files, open } = await openFileSource('hf-daily', [SAMPLE_DIR]);
  const counts = await importSource(app.store, open(files), {
    onError: (error) => io.err(`sample: skipped ${error.ref}: ${error.reason}`),
  });
  io.err(`loaded the sample catalog: ${counts.added} papers in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
