import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { absUrl, type Paper } from '../catalog/paper.js';
import { PaperfeedError } from '../errors.js';
import { Day, parseQuery, parseWith, type WebEnv } from './http.js';
import { SearchParams, nextDay, parseWindow, searchQueryOf, withoutEmpty } from './pages.js';
import type { Site } from './site.js';
import { escapeHtml, oneLine } from './views/text.js';

/** A feed, whatever its format. URLs are absolute. */
export interface Feed {
  title: string;
  /** The feed's own URL, also its id. */
  self: string;
  /** The page that shows the same list. */
  home: string;
  updated: string;
  papers: Paper[];
}

const FEED_SIZE = 50;
const xml = escapeHtml;

/** RSS 2.0, with an atom:link to itself as the RSS Advisory Board recommends. */
export function toRss(feed: Feed, origin: string): string {
  const items = feed.papers.map((paper) => `
<item>
<title>${xml(oneLine(paper.title))}</title>
<link>${xml(`${origin}/papers/${paper.id}`)}</link>
<guid isPermaLink="true">${xml(`${origin}/papers/${paper.id}`)}</guid>
<description>${xml(paper.abstract)}</description>
<pubDate>${new Date(paper.published).toUTCString()}</pubDate>
${paper.categories.map((category) => `<category>${xml(category)}</category>`).join('')}
</item>`).join('');
  return `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>${xml(feed.title)}</title>
<link>${xml(feed.home)}</link>
<description>${xml(feed.title)} on paperfeed</description>
<atom:link href="${xml(feed.self)}" rel="self" type="application/rss+xml"/>
<lastBuildDate>${new Date(feed.updated).toUTCString()}</lastBuildDate>${items}
</channel>
</rss>
`;
}

/** Atom 1.0 (RFC 4287). */
export function toAtom(feed: Feed, origin: string): string {
  const entries = feed.papers.map((paper) => `
<entry>
<id>${xml(`${origin}/papers/${paper.id}`)}</id>
<title type="text">${xml(oneLine(paper.title))}</title>
<link rel="alternate" type="text/html" href="${xml(`${origin}/papers/${paper.id}`)}"/>
${paper.id.startsWith('pf:') ? '' : `<link rel="related" href="${xml(absUrl(paper.id))}"/>`}
<published>${new Date(paper.published).toISOString()}</published>
<updated>${new Date(paper.updated).toISOString()}</updated>
${paper.authors.map((author) => `<author><name>${xml(author.name)}</name></author>`).join('')}
${paper.categories.map((category) => `<category term="${xml(category)}"/>`).join('')}
<summary type="text">${xml(paper.abstract)}</summary>
</entry>`).join('');
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<id>${xml(feed.self)}</id>
<title>${xml(feed.title)}</title>
<updated>${new Date(feed.updated).toISOString()}</updated>
<link rel="self" type="application/atom+xml" href="${xml(feed.self)}"/>
<link rel="alternate" type="text/html" href="${xml(feed.home)}"/>
<author><name>paperfeed</name></author>${entries}
</feed>
`;
}

/** JSON Feed 1.1. */
export function toJsonFeed(feed: Feed, origin: string): string {
  return JSON.stringify({
    version: 'https://jsonfeed.org/version/1.1',
    title: feed.title,
    home_page_url: feed.home,
    feed_url: feed.self,
    items: feed.papers.map((paper) => ({
      id: `${origin}/papers/${paper.id}`,
      url: `${origin}/papers/${paper.id}`,
      ...(paper.id.startsWith('pf:') ? {} : { external_url: absUrl(paper.id) }),
      title: oneLine(paper.title),
      content_text: paper.abstract,
      date_published: new Date(paper.published).toISOString(),
      date_modified: new Date(paper.updated).toISOString(),
      authors: paper.authors.map((author) => ({ name: author.name })),
      tags: paper.categories,
    })),
  });
}

const FORMATS = {
  rss: { type: 'application/rss+xml; charset=utf-8', write: toRss },
  atom: { type: 'application/atom+xml; charset=utf-8', write: toAtom },
  json: { type: 'application/feed+json; charset=utf-8', write: toJsonFeed },
} as const;

type FeedSource = (c: Context<WebEnv>, site: Site) => Promise<Omit<Feed, 'self' | 'updated'> & { home: string }>;

/** Each kind of feed: what it lists, and which page shows the same list (paths are relative). */
const SOURCES: Record<string, FeedSource> = {
  async trending(c, site) {
    const window = parseWindow(c);
    const view = await site.trending(window);
    return { title: `Trending papers (${window})`, home: `/?window=${window}`, papers: view.entries.slice(0, FEED_SIZE).map((entry) => entry.paper) };
  },
  async daily(c, site) {
    const query = parseQuery(c, z.object({ date: Day.optional() }));
    const day = query.date ?? (await site.deps.web.newestFeatured())?.slice(0, 10) ?? site.now().toISOString().slice(0, 10);
    const { papers } = await site.deps.web.featured(`${day}T00:00:00.000Z`, `${nextDay(day)}T00:00:00.000Z`, 'upvotes', 0, FEED_SIZE);
    return { title: `Daily papers for ${day}`, home: `/papers/date/${day}`, papers };
  },
  async search(c, site) {
    const params = parseWith(SearchParams, withoutEmpty(c.req.query()), 'query');
    if (!params.q) throw new PaperfeedError('bad_input', 'q: a search feed needs words to search for');
    // A feed shows what is new, so matches come newest first.
    const result = await site.search({ ...searchQueryOf(params, FEED_SIZE), sort: 'date' });
    return { title: `Papers matching “${params.q}”`, home: `/search?${new URLSearchParams(withoutEmpty(c.req.query()))}`, papers: result.items.map((hit) => hit.paper) };
  },
  async author(c, site) {
    const { name } = parseQuery(c, z.object({ name: z.string().trim().min(1).max(200) }));
    const papers = await site.authorPapers(name);
    return { title: `Papers by ${name}`, home: `/authors/${encodeURIComponent(name)}`, papers: papers.slice(0, FEED_SIZE) };
  },
  async category(c, site) {
    const { category } = parseQuery(c, z.object({ category: SearchParams.shape.category.unwrap() }));
    const { papers } = await site.deps.web.papersInCategory(category, 0, FEED_SIZE);
    return { title: `New papers in ${category}`, home: `/categories/${encodeURIComponent(category)}`, papers };
  },
};

/** Registers `/feeds/{trending,daily,search,author,category}.{rss,atom,json}`. */
export function registerFeeds(web: Hono<WebEnv>, site: Site): void {
  web.get('/feeds/:file{[a-z]+\\.(rss|atom|json)}', async (c) => {
    const [kind, ext] = c.req.param('file').split('.') as [string, keyof typeof FORMATS];
    const source = Object.hasOwn(SOURCES, kind) ? SOURCES[kind] : undefined;
    if (!source) throw new PaperfeedError('not_found', `no feed "${kind}"; feeds are ${Object.keys(SOURCES).join(', ')}`);
    const url = new URL(c.req.url);
    const list = await source(c, site);
    const feed: Feed = { ...list, self: url.href, home: `${url.origin}${list.home}`, updated: site.lastModified().toISOString() };
    const format = FORMATS[ext];
    return c.body(format.write(feed, url.origin), 200, { 'Content-Type': format.type });
  });
}
