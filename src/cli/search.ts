import { createApp } from '../app.js';
import { resolveConfig } from '../config.js';
import { PaperfeedError } from '../errors.js';
import type { Segment, SearchMode, SearchSort } from '../search/types.js';
import { intOption, stringOption, type Command } from './command.js';

export const searchCommand: Command = {
  name: 'search',
  summary: 'search the catalog',
  usage: `usage: paperfeed search <query> [--limit N] [--category c]... [--from YYYY-MM-DD] [--to YYYY-MM-DD]
                        [--has-code] [--sort relevance|date|trending] [--mode keyword|semantic|hybrid] [--json]

Query syntax: words (all must match), "a phrase", prefix*, -excluded, a OR b, (groups),
fields ti: au: abs: cat: (e.g. au:hinton ti:"block diffusion" cat:cs.CL).

  --limit     results to print, 1-100 (default 10)
  --category  only papers in this category (cs.CL) or archive (cs); repeatable
  --from/--to published between these days, inclusive
  --has-code  only papers with a code repository
  --sort      relevance (default), date or trending
  --mode      keyword (default), semantic or hybrid (these need "paperfeed embed")
  --json      one JSON line per result, then {"total":..}`,
  options: {
    limit: { type: 'string' },
    category: { type: 'string', multiple: true },
    from: { type: 'string' },
    to: { type: 'string' },
    'has-code': { type: 'boolean' },
    sort: { type: 'string' },
    mode: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(parsed, io) {
    const text = parsed.positionals.join(' ');
    const sort = oneOf(parsed, 'sort', ['relevance', 'date', 'trending'] as const, 'relevance');
    const mode = oneOf(parsed, 'mode', ['keyword', 'semantic', 'hybrid'] as const, 'keyword');
    const categories = parsed.values.category as string[] | undefined;
    const from = stringOption(parsed, 'from');
    const to = stringOption(parsed, 'to');
    const app = createApp(resolveConfig({ db: stringOption(parsed, 'db') }));
    try {
      const result = await app.search.search({
        text,
        filters: { ...(categories && { categories }), ...(from && { from }), ...(to && { to }), ...(parsed.values['has-code'] === true && { hasCode: true }) },
        sort: sort as SearchSort,
        mode: mode as SearchMode,
        limit: intOption(parsed, 'limit', 10, [1, 100]),
      });
      for (const [rank, item] of result.items.entries()) {
        if (parsed.values.json) {
          io.out(JSON.stringify({ rank: rank + 1, id: item.paper.id, score: item.score, title: item.paper.title, published: item.paper.published.slice(0, 10), categories: item.paper.categories, snippet: item.snippet }));
        } else {
          io.out(`${String(rank + 1).padStart(3)}. ${item.paper.id}  ${plain(item.snippet.title)}\n     ${item.paper.published.slice(0, 10)}  ${item.paper.categories.join(' ')}  score ${item.score}\n     ${plain(item.snippet.abstract)}`);
        }
      }
      io.out(parsed.values.json ? JSON.stringify({ total: result.total }) : `${result.total} papers match`);
      return 0;
    } finally {
      await app.close();
    }
  },
};

/** A string option restricted to some values; anything else is a usage error listing them. */
function oneOf<T extends string>(parsed: Parameters<Command['run']>[0], name: string, values: readonly T[], fallback: T): T {
  const value = stringOption(parsed, name) ?? fallback;
  if (!(values as readonly string[]).includes(value)) throw new PaperfeedError('usage', `--${name}: "${value}" is not one of ${values.join(', ')}`);
  return value as T;
}

/** Matches in brackets for a terminal. */
function plain(segments: Segment[]): string {
  return segments.map((segment) => (segment.match ? `[${segment.text}]` : segment.text)).join('').replace(/\s+/g, ' ');
}
