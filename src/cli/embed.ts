import { createApp } from '../app.js';
import { resolveConfig } from '../config.js';
import { embedMissing, embedderForCatalog } from '../search/embeddings.js';
import { intOption, stringOption, type Command } from './command.js';

export const embedCommand: Command = {
  name: 'embed',
  summary: 'compute the embeddings semantic search and similar papers use',
  usage: `usage: paperfeed embed [--retrain] [--batch N] [--json]

Trains the offline LSA model on the catalog when there is none (or with --retrain, or when the
catalog has doubled since), then embeds every paper without a vector, one committed batch at a
time: an interrupted run resumes where it stopped, and papers added later are picked up. With
PAPERFEED_EMBEDDING_MODEL set to use-lite (the bundled Universal Sentence Encoder lite: a few
papers per second) or to a local sentence-transformers ONNX folder, papers are embedded with that
model too, and semantic search uses it.

  --retrain  train a new model (its vectors replace the old ones when complete)
  --batch    papers per batch (default 500)
  --json     print {"model":..,"embedded":..,"remaining":..} for each model, the one search uses last`,
  options: { retrain: { type: 'boolean' }, batch: { type: 'string' }, json: { type: 'boolean' } },
  async run(parsed, io) {
    const app = createApp(resolveConfig({ db: stringOption(parsed, 'db') }));
    try {
      const batchSize = intOption(parsed, 'batch', 500, [1, 100_000]);
      const started = Date.now();
      const { embedder, trained } = await embedderForCatalog(app.searchStore, await app.store.countPapers(), new Date(), { retrain: parsed.values.retrain === true });
      if (trained) io.err(`trained ${embedder.id} (${embedder.model.terms.length} terms) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      const embedders = [embedder, ...(app.embeddingModel ? [await app.embeddingModel()] : [])];
      for (const current of embedders) {
        let lastLog = 0;
        const result = await embedMissing(app.searchStore, current, {
          batchSize,
          onProgress: ({ done, total }) => {
            if (io.isTty) process.stderr.write(`\r${current.id}: embedded ${done}/${total}\x1b[K`);
            else if (Date.now() - lastLog > 5000) { lastLog = Date.now(); io.err(`progress: ${current.id}: embedded ${done}/${total}`); }
          },
        });
        if (io.isTty) process.stderr.write('\n');
        const summary = { model: current.id, embedded: result.embedded, remaining: result.remaining };
        io.out(parsed.values.json ? JSON.stringify(summary) : `${summary.model}: embedded ${summary.embedded}, ${summary.remaining} remaining`);
      }
      return 0;
    } finally {
      await app.close();
    }
  },
};
