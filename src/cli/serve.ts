import { serve } from '@hono/node-server';
import { fileURLToPath } from 'node:url';
import { createApp, type App } from '../app.js';
import { importSource } from '../catalog/import.js';
import { resolveConfig } from '../config.js';
import { openFileSource } from '../ingest/formats.js';
import { createWebApp } from '../web/server.js';
import { digestWebOptions } from '../web/digest-routes.js';
import { communityRoutes } from '../web/community-routes.js';
import { startDigestScheduler } from '../digest/scheduler.js';
import { stringOption, type Command, type Io } from './command.js';

/** The sample catalog shipped with the repo: Hugging Face daily papers responses, gzipped. */
export const SAMPLE_DIR = fileURLToPath(new URL('../../sample/hf-daily', import.meta.url));

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the web server',
  usage: `usage: paperfeed serve [--port <n>] [--load-sample] [--db <file>]

  --port          port to listen on (default: $PORT or 8080)
  --load-sample   import the sample catalog first if the database is empty`,
  options: { port: { type: 'string' }, 'load-sample': { type: 'boolean' } },
  async run(parsed, io) {
    const app = createApp(resolveConfig({ db: stringOption(parsed, 'db'), port: stringOption(parsed, 'port') }));
    if (parsed.values['load-sample'] === true) await loadSampleIfEmpty(app, io);
    const onError = (error: Error) => io.err(`digest: ${error.message}`);
    app.digests.onEvent((event) => io.err(`digest: ${event.type} for subscriber ${event.subscriberId}: ${event.error.message}`));
    const digestOptions = digestWebOptions(app, { onError });
    const web = createWebApp(app, { ...digestOptions, extensions: [...digestOptions.extensions, communityRoutes(app, { onError })] });
    const server = serve({ fetch: web.fetch, port: app.config.port, hostname: '0.0.0.0' });
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    io.err(`paperfeed serving ${app.config.databaseUrl === undefined ? app.config.dbFile : 'the PostgreSQL database'} on http://localhost:${app.config.port}`);
    const stopDigests = startDigestScheduler((now) => app.digests.run(now), {
      onRun: (summary) => io.err(`digest: ${JSON.stringify(summary)}`),
      onError,
    });
    await new Promise<void>((resolve) => {
      const stop = () => server.close(() => resolve());
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await stopDigests();
    await app.close();
    return 0;
  },
};

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
