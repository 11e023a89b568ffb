import type { Hono } from 'hono';
import { z } from 'zod';
import { decodeCursor, encodeCursor, ListParams, parseQuery, parseWith, type WebEnv } from '../http.js';
import { SearchParams, parseWindow, searchQueryOf, withoutEmpty } from '../pages.js';
import type { Site } from '../site.js';
import { linkNext } from './hf.js';
import { apiPaper } from './shapes.js';

const List = z.object(ListParams);

/** paperfeed's own API, `/api/v1`: lists are `{items, nextCursor}`; follow `nextCursor` for more. */
export function registerV1Api(web: Hono<WebEnv>, site: Site): void {
  const withCounts = async <T>(items: T[], paperOf: (item: T) => Parameters<typeof apiPaper>[0]) => {
    const counts = await site.counts(items.map((item) => paperOf(item).id));
    return (item: T) => apiPaper(paperOf(item), counts.get(paperOf(item).id));
  };
  const page = <T>(items: T[], total: number, offset: number, limit: number) => {
    const nextCursor = offset + limit < total ? encodeCursor(offset + limit) : null;
    return { total, items, nextCursor };
  };

  web.get('/api/v1/search', async (c) => {
    const params = parseWith(SearchParams.extend({ q: z.string().trim().min(1, 'a search needs words').max(500), limit: ListParams.limit }), withoutEmpty(c.req.query()), 'query');
    const result = await site.search(searchQueryOf(params, params.limit));
    const toApi = await withCounts(result.items, (hit) => hit.paper);
    linkNext(c, result.nextCursor ? { cursor: result.nextCursor } : undefined);
    return c.json({ total: result.total, totalEstimated: result.totalEstimated ?? false, items: result.items.map((hit) => ({ paper: toApi(hit), score: hit.score, snippet: hit.snippet })), nextCursor: result.nextCursor ?? null });
  });

  web.get('/api/v1/trending', async (c) => {
    const window = parseWindow(c);
    const { limit, cursor } = parseQuery(c, List.extend({ window: z.string().optional() }));
    const offset = decodeCursor(cursor);
    const view = await site.trending(window);
    const entries = view.entries.slice(offset, offset + limit);
    const toApi = await withCounts(entries, (entry) => entry.paper);
    const body = page(entries.map((entry) => ({ rank: entry.rank, paper: toApi(entry), score: entry.item.score, breakdown: entry.item.breakdown })), view.entries.length, offset, limit);
    linkNext(c, body.nextCursor ? { cursor: body.nextCursor } : undefined);
    return c.json({ window, start: view.start, end: view.end, ...body });
  });

  web.get('/api/v1/papers/:id{.+}/similar', async (c) => {
    const paper = await site.requirePaper(c.req.param('id'));
    const { limit } = parseQuery(c, z.object({ limit: z.coerce.number().int().min(1).max(50).default(10) }));
    const similar = await site.similar(paper.id, limit);
    const toApi = await withCounts(similar, (hit) => hit.paper);
    return c.json({ total: similar.length, items: similar.map((hit) => ({ paper: toApi(hit), score: hit.score })), nextCursor: null });
  });

  web.get('/api/v1/papers/:id{.+}', async (c) => {
    const paper = await site.requirePaper(c.req.param('id'));
    const toApi = await withCounts([paper], (item) => item);
    return c.json(toApi(paper));
  });

  web.get('/api/v1/authors/:name', async (c) => {
    const name = parseWith(z.string().trim().min(1).max(200), c.req.param('name'), 'name');
    const { limit, cursor } = parseQuery(c, List);
    const offset = decodeCursor(cursor);
    const papers = await site.authorPapers(name);
    const shown = papers.slice(offset, offset + limit);
    const toApi = await withCounts(shown, (paper) => paper);
    const body = page(shown.map(toApi), papers.length, offset, limit);
    linkNext(c, body.nextCursor ? { cursor: body.nextCursor } : undefined);
    return c.json({ name, ...body });
  });

  web.get('/api/v1/categories', async (c) => {
    const { limit, cursor } = parseQuery(c, List.extend({ limit: z.coerce.number().int().min(1).max(1000).default(100) }));
    const offset = decodeCursor(cursor);
    const categories = await site.categories();
    const body = page(categories.slice(offset, offset + limit), categories.length, offset, limit);
    linkNext(c, body.nextCursor ? { cursor: body.nextCursor } : undefined);
    return c.json(body);
  });

  web.get('/api/v1/categories/:category', async (c) => {
    const category = parseWith(SearchParams.shape.category.unwrap(), c.req.param('category'), 'category');
    const { limit, cursor } = parseQuery(c, List);
    const offset = decodeCursor(cursor);
    const { total, papers } = await site.cached(`category:${category}:${offset}:${limit}`, () => site.deps.web.papersInCategory(category, offset, limit));
    const toApi = await withCounts(papers, (paper) => paper);
    const body = page(papers.map(toApi), total, offset, limit);
    linkNext(c, body.nextCursor ? { cursor: body.nextCursor } : undefined);
    return c.json({ category, ...body });
  });
}
