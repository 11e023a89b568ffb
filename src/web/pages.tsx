import type { Context, Hono } from 'hono';
import { raw } from 'hono/html';
import { z } from 'zod';
import { absUrl, pdfUrl, type Paper } from '../catalog/paper.js';
import { WINDOWS, type TrendingWindow } from '../trending/score.js';
import { VersionedCache } from './cache.js';
import { Day, decodeCursor, encodeCursor, parseQuery, parseWith, type WebEnv } from './http.js';
import { markdownOf } from './markdown.js';
import type { SearchQuery } from '../search/types.js';
import { preparePage, renderPage, sendPage, sendPrepared, type PageMeta, type PreparedPage } from './render.js';
import type { Site } from './site.js';
import {
  BreakdownTable, PaperList, Pager, authorHref, categoryHref, paperHref,
} from './views/components.js';
import { MonthHistogram, Sparkline } from './views/svg.js';
import { PaperActions } from './views/paper-actions.js';
import { hasMath, oneLine, renderMath } from './views/text.js';

const PAGE_SIZE = 50;

/** Query parameters of the search page and of search feeds and APIs. */
export const SearchParams = z.object({
  q: z.string().trim().max(500).default(''),
  category: z.string().regex(/^[a-z-]+(\.[A-Za-z-]+)?$/, 'expected an arXiv category such as cs.LG').optional(),
  author: z.string().trim().min(1).max(200).optional(),
  from: Day.optional(),
  to: Day.optional(),
  has_code: z.enum(['on', 'true', '1']).optional(),
  sort: z.enum(['relevance', 'date', 'trending']).default('relevance'),
  cursor: z.string().max(500).optional(),
});

/**
 * Search parameters as the search service takes them. The author filter becomes the query
 * language's `au:"…"` field, with any quotes in the name dropped so it stays one phrase.
 */
export function searchQueryOf(params: z.infer<typeof SearchParams>, limit: number): SearchQuery {
  const author = params.author ? ` au:"${params.author.replace(/"/g, ' ')}"` : '';
  return {
    text: `${params.q}${author}`.trim(),
    filters: {
      ...(params.category ? { categories: [params.category] } : {}),
      ...(params.from ? { from: params.from } : {}),
      ...(params.to ? { to: params.to } : {}),
      ...(params.has_code ? { hasCode: true } : {}),
    },
    sort: params.sort,
    limit,
    ...(params.cursor ? { cursor: params.cursor } : {}),
  };
}

/** Whether a search names anything to look for. */
const isSearch = (params: z.infer<typeof SearchParams>) => Boolean(params.q || params.author || params.category);

/** Forms send empty fields as ""; they mean "not given". */
export function withoutEmpty(query: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(query).filter(([, value]) => value !== ''));
}

/** The day after `day` (`YYYY-MM-DD`). */
export const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

const WindowParam = z.object({ window: z.enum(['today', 'week', 'month']).default('today') });
/** Query parameter `window` of trending pages, feeds and APIs. */
export const parseWindow = (c: Context) => parseQuery(c, WindowParam).window;

const WINDOW_LABELS: Record<TrendingWindow, string> = { today: 'Today', week: 'This week', month: 'This month' };

/** Registers the server-rendered pages. */
export function registerPages(web: Hono<WebEnv>, site: Site): void {
  const pages = new VersionedCache<PreparedPage>(2000);
  const cachedPage = async (c: Context<WebEnv>, key: string, build: () => Promise<string>) =>
    sendPrepared(c, await pages.get(await site.version(), key, async () => preparePage(await build())));

  web.get('/', async (c) => {
    const window = parseWindow(c);
    const minute = Math.floor(site.now().getTime() / 60_000);
    return cachedPage(c, `home:${window}:${minute}`, async () => {
      const view = await site.trending(window);
      return renderPage(
        { title: 'Trending papers', current: 'trending', feed: { title: `Trending papers: ${WINDOW_LABELS[window]}`, path: '/feeds/trending', query: `window=${window}` } },
        <>
          <h1>Trending papers</h1>
          <nav class="tabs" aria-label="Trending window">
            <ul>
              {(Object.keys(WINDOWS) as TrendingWindow[]).map((key) => (
                <li><a href={`/?window=${key}`} aria-current={key === window ? 'page' : undefined}>{WINDOW_LABELS[key]}</a></li>
              ))}
            </ul>
          </nav>
          <p class="muted">From <time datetime={view.start}>{view.start.slice(0, 16).replace('T', ' ')}</time> to <time datetime={view.end}>{view.end.slice(0, 16).replace('T', ' ')}</time> UTC. <a href="/about/trending">How the score works</a>.</p>
          <PaperList
            papers={view.entries.slice(0, PAGE_SIZE).map((entry) => entry.paper)}
            extras={(paper) => {
              const entry = view.entries.find((candidate) => candidate.paper.id === paper.id)!;
              return { upvotes: entry.counts?.upvotes ?? null, score: entry.item.score };
            }}
            empty="Nothing has gained attention in this window."
          />
        </>,
      );
    });
  });

  web.get('/papers/date', async (c) => {
    const newest = await site.deps.web.newestFeatured();
    return c.redirect(`/papers/date/${(newest ?? site.now().toISOString()).slice(0, 10)}`, 302);
  });

  web.get('/papers/date/:day', async (c) => {
    const day = parseWith(Day, c.req.param('day'), 'date');
    return cachedPage(c, `daily:${day}`, async () => {
      const start = `${day}T00:00:00.000Z`;
      const end = `${nextDay(day)}T00:00:00.000Z`;
      const [{ papers }, around] = await Promise.all([site.deps.web.featured(start, end, 'upvotes', 0, 500), site.deps.web.featuredAround(start, end)]);
      const counts = await site.counts(papers.map((paper) => paper.id));
      const previous = around.before?.slice(0, 10);
      const next = around.after?.slice(0, 10);
      return renderPage(
        { title: `Daily papers for ${day}`, current: 'daily', feed: { title: `Daily papers for ${day}`, path: '/feeds/daily', query: `date=${day}` } },
        <>
          <h1>Daily papers <time datetime={day}>{day}</time></h1>
          <Pager previous={previous && `/papers/date/${previous}`} next={next && `/papers/date/${next}`} />
          <PaperList papers={papers} extras={(paper) => ({ upvotes: counts.get(paper.id)?.upvotes ?? null })} empty="No papers were featured on this day." />
        </>,
      );
    });
  });

  web.get('/papers/:id{.+\\.md}', async (c) => {
    const id = c.req.param('id').slice(0, -3);
    const paper = await site.requirePaper(id);
    const counts = (await site.counts([paper.id])).get(paper.id);
    return c.body(markdownOf(paper, counts), 200, { 'Content-Type': 'text/markdown; charset=utf-8' });
  });

  web.get('/papers/:id{.+}', async (c) => {
    const found = await site.paper(c.req.param('id'));
    if ('canonicalId' in found) return c.redirect(paperHref(found.canonicalId), 301);
    const { paper } = found;
    const minute = Math.floor(site.now().getTime() / 60_000);
    return cachedPage(c, `paper:${paper.id}:${minute}`, () => renderPage(
      { title: oneLine(paper.title), math: hasMath(paper.title) || hasMath(paper.abstract) },
      paperBody(site, paper),
    ));
  });

  web.get('/search', async (c) => {
    const params = parseWith(SearchParams, withoutEmpty(c.req.query()), 'query');
    const categories = await site.categories();
    const feedQuery = new URLSearchParams(withoutEmpty({ q: params.q, category: params.category ?? '', author: params.author ?? '' })).toString();
    let results = null;
    if (isSearch(params)) {
      const query = searchQueryOf(params, 20);
      const { cursor: _cursor, ...first } = searchQueryOf(params, 100);
      const [page, top] = await Promise.all([
        site.search(query),
        site.cached(`histogram:${JSON.stringify(first)}`, () => site.search({ ...first, sort: 'relevance' })),
      ]);
      const months = new Map<string, number>();
      for (const hit of top.items) months.set(hit.paper.published.slice(0, 7), (months.get(hit.paper.published.slice(0, 7)) ?? 0) + 1);
      const counts = await site.counts(page.items.map((hit) => hit.paper.id));
      const snippets = new Map(page.items.map((hit) => [hit.paper.id, hit.snippet.abstract]));
      const nextQuery = page.nextCursor ? new URLSearchParams({ ...withoutEmpty(c.req.query()), cursor: page.nextCursor }).toString() : undefined;
      results = (
        <section aria-labelledby="results-title">
          <h2 id="results-title">{`${page.totalEstimated ? 'About ' : ''}${page.total.toLocaleString('en')} ${page.total === 1 ? 'match' : 'matches'}`}</h2>
          <MonthHistogram counts={months} caption={`Publication months of the top ${top.items.length} matches`} />
          <PaperList
            papers={page.items.map((hit) => hit.paper)}
            extras={(paper) => ({ upvotes: counts.get(paper.id)?.upvotes ?? null, snippet: snippets.get(paper.id) ?? [] })}
            empty="No paper matches this search."
          />
          <Pager next={nextQuery && `/search?${nextQuery}`} />
        </section>
      );
    }
    const meta: PageMeta = { title: params.q ? `Search: ${params.q}` : 'Search', current: 'search' };
    if (isSearch(params)) meta.feed = { title: `Papers matching “${params.q}”`, path: '/feeds/search', query: feedQuery };
    return sendPage(c, await renderPage(meta, (
      <>
        <h1>Search papers</h1>
        <form class="search" role="search" action="/search" method="get">
          <p>
            <label for="q">Words, phrases in quotes</label>
            <input id="q" name="q" type="search" value={params.q} maxlength={500} />
            <button type="submit">Search</button>
          </p>
          <fieldset>
            <legend>Filters</legend>
            <label for="category">Category</label>
            <select id="category" name="category">
              <option value="">Any</option>
              {categories.slice(0, 200).map(({ category }) => <option value={category} selected={category === params.category}>{category}</option>)}
            </select>
            <label for="author">Author</label>
            <input id="author" name="author" type="text" value={params.author ?? ''} maxlength={200} />
            <label for="from">From</label>
            <input id="from" name="from" type="date" value={params.from ?? ''} />
            <label for="to">To</label>
            <input id="to" name="to" type="date" value={params.to ?? ''} />
            <label class="inline"><input name="has_code" type="checkbox" value="on" checked={params.has_code !== undefined} /> With code</label>
            <label for="sort">Order</label>
            <select id="sort" name="sort">
              <option value="relevance" selected={params.sort === 'relevance'}>Most relevant</option>
              <option value="date" selected={params.sort === 'date'}>Newest</option>
              <option value="trending" selected={params.sort === 'trending'}>Trending this week</option>
            </select>
          </fieldset>
        </form>
        {results}
      </>
    )));
  });

  web.get('/authors/:name', async (c) => {
    const name = parseWith(z.string().trim().min(1).max(200), c.req.param('name'), 'author');
    const offset = decodeCursor(c.req.query('cursor'));
    const papers = await site.authorPapers(name);
    const shown = papers.slice(offset, offset + PAGE_SIZE);
    const counts = await site.counts(shown.map((paper) => paper.id));
    const displayName = papers[0]?.authors.find((author) => author.name.toLowerCase() === name.toLowerCase())?.name ?? name;
    return sendPage(c, await renderPage(
      { title: displayName, feed: { title: `Papers by ${displayName}`, path: '/feeds/author', query: new URLSearchParams({ name }).toString() } },
      <>
        <h1>{displayName}</h1>
        <p class="muted">{`${papers.length} ${papers.length === 1 ? 'paper' : 'papers'} in this catalog.`} <a href={`/search?${new URLSearchParams({ q: name })}`}>Search for this name</a></p>
        <PaperList papers={shown} extras={(paper) => ({ upvotes: counts.get(paper.id)?.upvotes ?? null })} empty="No papers by this author in this catalog." />
        <Pager
          previous={offset > 0 ? `${authorHref(name)}?cursor=${encodeCursor(Math.max(0, offset - PAGE_SIZE))}` : undefined}
          next={offset + PAGE_SIZE < papers.length ? `${authorHref(name)}?cursor=${encodeCursor(offset + PAGE_SIZE)}` : undefined}
        />
      </>,
    ), papers.length === 0 ? 404 : 200);
  });

  const trendingDocs = renderPage({ title: 'How trending works', current: 'trending' }, (
    <>
      <h1>How trending works</h1>
      <p>Each paper's score in a window (today, this week, this month) is a formula anyone can check:</p>
      <pre><code>{'points = ourVotes × 1 + externalGrowth × 1\nscore  = points × 0.5 ^ (ageHours / halfLifeHours)'}</code></pre>
      <dl class="facts">
        <dt>ourVotes</dt><dd>upvotes cast on paperfeed inside the window</dd>
        <dt>externalGrowth</dt><dd>upvotes the paper gained on Hugging Face inside the window</dd>
        <dt>ageHours</dt><dd>hours from when the paper entered attention (featured on a daily list, else published) to the window's end</dd>
        <dt>halfLifeHours</dt><dd>{`${WINDOWS.today.halfLifeHours} for today, ${WINDOWS.week.halfLifeHours} for the week, ${WINDOWS.month.halfLifeHours} for the month`}</dd>
      </dl>
      <p>A window ends now, or at the end of the newest day of data when that is older. Papers with no points are not listed; equal scores are ordered by arXiv id. Each paper's page shows its own terms under “Why is this trending?”.</p>
    </>
  ));
  web.get('/about/trending', async (c) => sendPage(c, await trendingDocs));

  web.get('/categories', async (c) => {
    const categories = await site.categories();
    return sendPage(c, await renderPage({ title: 'Categories', current: 'categories' }, (
      <>
        <h1>Categories</h1>
        <ul class="categories">
          {categories.map(({ category, papers }) => <li><a href={categoryHref(category)}>{category}</a> <span class="muted">{papers.toLocaleString('en')}</span></li>)}
        </ul>
      </>
    )));
  });

  web.get('/categories/:category', async (c) => {
    const category = parseWith(SearchParams.shape.category.unwrap(), c.req.param('category'), 'category');
    const offset = decodeCursor(c.req.query('cursor'));
    const { total, papers } = await site.cached(`category:${category}:${offset}`, () => site.deps.web.papersInCategory(category, offset, PAGE_SIZE));
    const counts = await site.counts(papers.map((paper) => paper.id));
    return sendPage(c, await renderPage(
      { title: category, current: 'categories', feed: { title: `New papers in ${category}`, path: '/feeds/category', query: `category=${encodeURIComponent(category)}` } },
      <>
        <h1>{category}</h1>
        <p class="muted">{`${total.toLocaleString('en')} papers, newest first.`}</p>
        <PaperList papers={papers} extras={(paper) => ({ upvotes: counts.get(paper.id)?.upvotes ?? null })} empty="No papers in this category." />
        <Pager
          previous={offset > 0 ? `${categoryHref(category)}?cursor=${encodeCursor(Math.max(0, offset - PAGE_SIZE))}` : undefined}
          next={offset + PAGE_SIZE < total ? `${categoryHref(category)}?cursor=${encodeCursor(offset + PAGE_SIZE)}` : undefined}
        />
      </>,
    ), total === 0 ? 404 : 200);
  });
}

/** Only http(s) links from sources become links; anything else (javascript:, data:) is dropped. */
function safeHref(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

async function paperBody(site: Site, paper: Paper) {
  const [counts, history, trendingEntries, similar] = await Promise.all([
    site.counts([paper.id]).then((all) => all.get(paper.id)),
    site.signals(paper.id),
    site.trendingOf(paper.id),
    site.similar(paper.id, 6),
  ]);
  const code = safeHref(paper.codeUrl);
  const isArxiv = !paper.id.startsWith('pf:');
  return (
    <article class="paper">
      <h1>{raw(renderMath(oneLine(paper.title)))}</h1>
      {paper.withdrawn && <p class="warning" role="note">This paper has been withdrawn by its authors.</p>}
      <ul class="author-list" aria-label="Authors">
        {paper.authors.map((author) => <li><a href={authorHref(author.name)}>{author.name}</a></li>)}
      </ul>
      <p class="links">
        {isArxiv && <><a href={absUrl(paper.id)}>arXiv page</a> · <a href={pdfUrl(paper.id)}>PDF</a></>}
        {code && <> · <a href={code} rel="nofollow noopener">Code</a></>}
        {' · '}<a href={`${paperHref(paper.id)}.md`}>Markdown</a>
      </p>
      <section aria-labelledby="abstract-title">
        <h2 id="abstract-title">Abstract</h2>
        <p class="abstract">{raw(renderMath(paper.abstract))}</p>
      </section>
      <section aria-labelledby="attention-title">
        <h2 id="attention-title">Attention</h2>
        <p><span class="votes">{`▲ ${counts?.upvotes ?? 0}`}</span> upvotes on Hugging Face · <span class="votes">{`▲ ${counts?.votes ?? 0}`}</span> on paperfeed{counts?.comments != null && ` · ${counts.comments} comments`}{counts?.githubStars != null && ` · ${counts.githubStars} GitHub stars`}</p>
        <Sparkline points={history} />
        <PaperActions paperId={paper.id} back={paperHref(paper.id)} />
      </section>
      <section aria-labelledby="trending-title">
        <h2 id="trending-title">Why is this trending?</h2>
        {trendingEntries.length === 0
          ? <p>This paper gained no attention in the last month of data, so it is not trending.</p>
          : trendingEntries.map((entry) => (
            <details open={entry === trendingEntries[0]}>
              <summary>{`#${entry.rank} ${WINDOW_LABELS[entry.window].toLowerCase()}, score ${entry.item.score.toFixed(3)}`}</summary>
              <BreakdownTable breakdown={entry.item.breakdown} score={entry.item.score} />
            </details>
          ))}
        <p class="muted"><a href="/about/trending">How the score works</a></p>
      </section>
      <section aria-labelledby="details-title">
        <h2 id="details-title">Details</h2>
        <dl class="facts">
          <dt>arXiv id</dt><dd>{paper.id}</dd>
          <dt>Categories</dt>
          <dd>{paper.categories.map((category, index) => <>{index > 0 && ', '}<a href={categoryHref(category)}>{category}</a></>)}</dd>
          <dt>Published</dt><dd><time datetime={paper.published}>{paper.published.slice(0, 10)}</time></dd>
          <dt>Updated</dt><dd><time datetime={paper.updated}>{paper.updated.slice(0, 10)}</time></dd>
          {paper.featuredAt && <><dt>Featured</dt><dd><a href={`/papers/date/${paper.featuredAt.slice(0, 10)}`}>{paper.featuredAt.slice(0, 10)}</a></dd></>}
          <dt>Versions</dt>
          <dd>{paper.versions.map((version, index) => <>{index > 0 && ', '}{`v${version.version} (${version.date.slice(0, 10)})`}</>)}</dd>
          {paper.comments && <><dt>Comments</dt><dd>{paper.comments}</dd></>}
          {paper.journalRef && <><dt>Journal</dt><dd>{paper.journalRef}</dd></>}
          {paper.doi && <><dt>DOI</dt><dd>{paper.doi}</dd></>}
          {paper.keywords && paper.keywords.length > 0 && <><dt>Keywords</dt><dd>{paper.keywords.join(', ')}</dd></>}
        </dl>
      </section>
      {similar.length > 0 && (
        <section aria-labelledby="similar-title">
          <h2 id="similar-title">Similar papers</h2>
          <PaperList papers={similar.map((hit) => hit.paper)} empty="" />
        </section>
      )}
    </article>
  );
}
