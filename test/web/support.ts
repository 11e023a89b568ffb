import { hfDailySource } from '../../src/ingest/hf-daily.js';
import { importSource } from '../../src/catalog/import.js';
import { openFileSource } from '../../src/ingest/formats.js';
import { embedMissing, trainCatalogModel } from '../../src/search/embeddings.js';
import { createWebApp, type WebOptions } from '../../src/web/server.js';
import type { App } from '../../src/app.js';
import { fixture, tempApp } from '../support.js';

/** The fixed clock of the web tests: a day after the newest fixture. */
export const NOW = new Date('2025-09-05T12:00:00Z');

/**
 * A real app on a fresh SQLite file, loaded with a real Hugging Face response, the hand-written
 * hostile papers and two arXiv daily listings, and its web app on a fixed clock.
 */
export async function webFixture(options: (app: App) => WebOptions = () => ({})) {
  const app = tempApp();
  const onError = (error: { ref: string; reason: string }) => { throw new Error(`${error.ref}: ${error.reason}`); };
  await importSource(app.store, hfDailySource([
    fixture('hf-daily', '2025-09-02.json'),
    fixture('web', 'hf-daily', '2025-09-03.json'),
    fixture('web', 'hf-daily', '2025-09-04.json'),
  ]), { onError });
  const listings = await openFileSource('daily-jsonl', [fixture('daily-jsonl')]);
  await importSource(app.store, listings.open(listings.files), { onError });
  // Similar papers need the search subsystem's embeddings, as `paperfeed embed` makes them.
  await embedMissing(app.searchStore, await trainCatalogModel(app.searchStore, NOW));
  const web = createWebApp(app, { now: () => NOW, ...options(app) });
  return { app, web, cleanup: app.cleanup };
}
