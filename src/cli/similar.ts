import { readFileSync } from 'node:fs';
import { createApp } from '../app.js';
import { resolveConfig } from '../config.js';
import { PaperfeedError } from '../errors.js';
import { intOption, stringOption, type Command } from './command.js';

export const similarCommand: Command = {
  name: 'similar',
  summary: 'list the papers most similar to one paper',
  usage: `usage: paperfeed similar <id> [--candidates <file>] [--limit N] [--json]

Ranks the catalog's papers (or only the candidates, one id per line in <file>) by similarity to
paper <id>; the paper itself is never listed. Needs "paperfeed embed" first.

  --candidates  a file of paper ids to rank instead of the whole catalog
  --limit       results, 1-1000 (default 10)
  --json        one JSON line per result`,
  options: { candidates: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' } },
  async run(parsed, io) {
    const [id, ...extra] = parsed.positionals;
    if (!id || extra.length > 0) throw new PaperfeedError('usage', `similar: give exactly one paper id\n\n${this.usage}`);
    const file = stringOption(parsed, 'candidates');
    let candidateIds: string[] | undefined;
    if (file) {
      try {
        candidateIds = readFileSync(file, 'utf8').split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
      } catch (error) {
        throw new PaperfeedError('usage', `--candidates: cannot read ${file}: ${(error as Error).message}`);
      }
    }
    const app = createApp(resolveConfig({ db: stringOption(parsed, 'db') }));
    try {
      const limit = intOption(parsed, 'limit', candidateIds?.length ?? 10, [1, 1000]);
      const ranked = await app.search.similar(id, { limit, ...(candidateIds && { candidateIds }) });
      ranked.forEach(({ paper, score }, rank) => io.out(parsed.values.json
        ? JSON.stringify({ rank: rank + 1, id: paper.id, score: Math.round(score * 1e4) / 1e4, title: paper.title })
        : `${String(rank + 1).padStart(3)}. ${paper.id}  ${score.toFixed(3)}  ${paper.title}`));
      return 0;
    } finally {
      await app.close();
    }
  },
};
