import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { PaperfeedError } from '../../errors.js';
import { Day, decodeCursor, encodeCursor, parseQuery, type WebEnv } from '../http.js';
import { nextDay } from '../pages.js';
import type { Site } from '../site.js';
import { hfDailyItem, hfPaper } from './shapes.js';

const DailyParams = z.object({
  p: z.coerce.number().int().min(0).max(10_000).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(200).optional(),
  date: Day.optional(),
  week: z.string().regex(/^\d{4}-W\d{2}$/, 'expected YYYY-Www').optional(),
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected YYYY-MM').optional(),
  sort: z.enum(['publishedAt', 'trending']).default('trending'),
});

/** The [start, end) of an ISO week `YYYY-Www`: weeks start on Monday; week 1 holds January 4th. */
export function isoWeekRange(week: string): [string, string] {
  const [year, number] = week.split('-W').map(Number) as [number, number];
  if (number < 1 || number > 53) throw new PaperfeedError('bad_input', `week: ${week} has no week ${number}`);
  const jan4 = Date.UTC(year, 0, 4);
  const monday = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * 86_400_000 + (number - 1) * 7 * 86_400_000;
  return [new Date(monday).toISOString(), new Date(monday + 7 * 86_400_000).toISOString()];
}

/** Sets the `Link: <…>; rel="next"` header of a paged list. */
export function linkNext(c: Context, next: Record<string, string> | undefined): void {
  if (!next) return;
  const url = new URL(c.req.url);
  for (const [key, value] of Object.entries(next)) url.searchParams.set(key, value);
  c.header('Link', `<${url.pathname}${url.search}>; rel="next"`);
}

/**
 * Hugging Face–compatible endpoints: clients written for huggingface.co/api work against
 * paperfeed by changing the host.
 */
export function registerHfApi(web: Hono<WebEnv>, site: Site): void {
  web.get('/api/daily_papers', async (c) => {
    const params = parseQuery(c, DailyParams);
    let range: [string, string];
    if (params.week) range = isoWeekRange(params.week);
    else if (params.month) {
      const [year, month] = params.month.split('-').map(Number) as [number, number];
      range = [new Date(Date.UTC(year, month - 1, 1)).toISOString(), new Date(Date.UTC(year, month, 1)).toISOString()];
    } else {
      const day = params.date ?? (await site.deps.web.newestFeatured())?.slice(0, 10) ?? site.now().toISOString().slice(0, 10);
      range = [`${day}T00:00:00.000Z`, `${nextDay(day)}T00:00:00.000Z`];
    }
    // Hugging Face pages with p (page number); a cursor, when given, wins.
    const offset = params.cursor !== undefined ? decodeCursor(params.cursor) : (params.p ?? 0) * params.limit;
    const { total, papers } = await site.deps.web.featured(range[0], range[1], params.sort === 'trending' ? 'upvotes' : 'published', offset, params.limit);
    const counts = await site.counts(papers.map((paper) => paper.id));
    c.header('X-Total-Count', String(total));
    linkNext(c, offset + params.limit < total ? { cursor: encodeCursor(offset + params.limit) } : undefined);
    return c.json(papers.map((paper) => hfDailyItem(paper, counts.get(paper.id))));
  });

  web.get('/api/papers/search', async (c) => {
    const params = parseQuery(c, z.object({ q: z.string().trim().min(1, 'q: a search needs words').max(500), limit: z.coerce.number().int().min(1).max(100).default(20), cursor: z.string().max(500).optional() }));
    const result = await site.search({ text: params.q, filters: {}, sort: 'relevance', limit: params.limit, ...(params.cursor ? { cursor: params.cursor } : {}) });
    const counts = await site.counts(result.items.map((hit) => hit.paper.id));
    c.header('X-Total-Count', String(result.total));
    linkNext(c, result.nextCursor ? { cursor: result.nextCursor } : undefined);
    return c.json(result.items.map((hit) => hfDailyItem(hit.paper, counts.get(hit.paper.id))));
  });

  web.get('/api/papers/:id{.+}', async (c) => {
    const paper = await site.requirePaper(c.req.param('id'));
    const counts = await site.counts([paper.id]);
    return c.json(hfPaper(paper, counts.get(paper.id)));
  });
}
