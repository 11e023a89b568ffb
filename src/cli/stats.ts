import { openCatalog } from '../app.js';
import { resolveConfig } from '../config.js';
import { stringOption, type Command } from './command.js';

export const statsCommand: Command = {
  name: 'stats',
  summary: 'show what the catalog holds',
  usage: `usage: paperfeed stats [--json] [--db <file>]

  --json   print {"papers":..,...} as JSON`,
  options: { json: { type: 'boolean' } },
  async run(parsed, io) {
    const app = openCatalog(resolveConfig({ db: stringOption(parsed, 'db') }));
    try {
      const stats = await app.store.stats();
      io.out(parsed.values.json ? JSON.stringify(stats) : Object.entries(stats).map(([key, value]) => `${key}: ${value}`).join('\n'));
      return 0;
    } finally {
      await app.close();
    }
  },
};
