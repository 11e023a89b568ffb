import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { parseFeed } from '@rowanmanning/feed-parser';
import type { Hono } from 'hono';
import { createWebApp } from '../../src/web/server.js';
import type { WebEnv } from '../../src/web/http.js';
import { fixture } from '../support.js';
import { NOW, webFixture } from './support.js';

let web: Hono<WebEnv>;
let fx: Awaited<ReturnType<typeof webFixture>>;
before(async () => {
  fx = await webFixture();
  web = fx.web;
});
after(() => fx.cleanup());

const get = (path: string, headers: Record<string, string> = {}) => web.request(path, { headers });
const html = async (path: string, status = 200) => {
  const res = await get(path);
  const body = await res.text();
  assert.equal(res.status, status, `${path}: ${body.slice(0, 300)}`);
  assert.match(res.headers.get('content-type') ?? '', /text\/html/);
  return { res, body };
};
const json = async (path: string, status = 200) => {
  const res = await get(path);
  const body = await res.json() as any;
  assert.equal(res.status, status, `${path}: ${JSON.stringify(body).slice(0, 300)}`);
  return { res, body };
};
const jsonError = async (path: string, status: number, code: string) => {
  const { body } = await json(path, status);
  assert.equal(body.error.code, code);
  assert.equal(typeof body.error.message, 'string');
};

describe('pages', () => {
  test('home: trending tabs, upvotes and scores, feeds, subscribe form, security headers', async () => {
    const { res, body } = await html('/');
    assert.match(body, /<h1>Trending papers<\/h1>/);
    assert.match(body, /href="\/\?window=week"/);
    assert.match(body, /aria-current="page">Today/);
    assert.match(body, /▲ 12/);
    assert.match(body, /score \d+\.\d\d/);
    assert.match(body, /<link rel="alternate" type="application\/rss\+xml"[^>]+href="\/feeds\/trending\.rss\?window=today"/);
    assert.match(body, /Get trending papers in your email inbox once a day!/);
    assert.match(body, /<form method="post" action="\/subscribe"><input type="hidden" name="csrf" value="[\w-]{43}"/);
    const csp = res.headers.get('content-security-policy')!;
    assert.match(csp, /script-src 'self'/);
    assert.doesNotMatch(csp.split(';').find((part) => part.includes('script-src'))!, /unsafe-inline/);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.match(res.headers.get('set-cookie') ?? '', /pf_csrf=[\w-]{22}; Path=\/; HttpOnly; SameSite=Lax/);
    await html('/?window=month');
    await html('/?window=year', 400);
  });

  test('daily papers: a day, previous/next links, the newest day, bad dates', async () => {
    const { body } = await html('/papers/date/2025-09-03');
    assert.match(body, /Block Diffusion for Reasoning Agents/);
    assert.match(body, /rel="prev" href="\/papers\/date\/2025-09-02"/);
    const redirect = await get('/papers/date');
    assert.equal(redirect.status, 302);
    assert.equal(redirect.headers.get('location'), '/papers/date/2025-09-03');
    const empty = await html('/papers/date/2020-01-01');
    assert.match(empty.body, /No papers were featured on this day/);
    await html('/papers/date/2025-02-30', 400);
    await html('/papers/date/yesterday', 400);
  });

  test('paper page: everything from sources is escaped; math is typeset without trusting it', async () => {
    const { body } = await html('/papers/2509.00001');
    const main = body.slice(body.indexOf('<main'));
    // Hostile text appears only as text: no element, attribute or link comes from it.
    assert.doesNotMatch(main, /<script|<img|<b>|href="javascript:|<[^>]*\sonerror=/i);
    assert.match(main, /Attack &#60;script&#62;alert/);
    assert.match(main, /&lt;b&gt;bold&lt;\/b&gt;/);
    assert.match(main, /class="katex"/);
    assert.match(main, /class="katex-display"/);
    assert.match(body, /href="\/static\/katex\/katex.min.css"/);
    assert.match(main, /href="\/authors\/Wenfeng%20Feng"/);
    assert.match(main, /href="https:\/\/arxiv.org\/abs\/2509.00001"/);
    assert.match(main, /href="https:\/\/arxiv.org\/pdf\/2509.00001"/);
    assert.match(main, /<svg class="sparkline" role="img"/);
    assert.match(main, /Why is this trending\?/);
    assert.match(main, /Score = points × decay/);
    const plain = await html('/papers/2509.00002');
    assert.match(plain.body, /href="https:\/\/github.com\/example\/block-diffusion"/);
    assert.match(plain.body, /<h2 id="similar-title">Similar papers<\/h2>/);
    assert.doesNotMatch(plain.body, /katex.min.css/);
    const listing = await html('/papers/0704.0002');
    assert.match(listing.body, /href="\/categories\/math.CO"/);
  });

  test('paper page: versioned ids redirect; unknown and malformed ids are 404 and 400', async () => {
    const res = await get('/papers/2509.00001v2');
    assert.equal(res.status, 301);
    assert.equal(res.headers.get('location'), '/papers/2509.00001');
    await html('/papers/2509.99999', 404);
    await html('/papers/not-an-id', 400);
    await html('/papers/%3Cscript%3E', 400);
  });

  test('search: filters, highlighted snippets, a histogram; bad filters are 400', async () => {
    const { body } = await html('/search?q=block+diffusion&sort=relevance&category=&author=');
    assert.match(body, /Block Diffusion for Reasoning Agents/);
    assert.match(body, /<mark>/);
    assert.match(body, /<figure class="histogram"><svg role="img"/);
    assert.match(body, /href="\/feeds\/search\.atom\?q=block\+diffusion"/);
    const form = await html('/search');
    assert.match(form.body, /<form class="search" role="search"/);
    const filtered = await html('/search?q=decompositions&category=math.CO');
    assert.match(filtered.body, /Sparsity-certifying Graph Decompositions/);
    await html('/search?q=x&from=2025-99-99', 400);
    await html('/search?q=x&sort=sideways', 400);
    await html('/search?q=x&category=%3Cscript%3E', 400);
  });

  test('author and category pages', async () => {
    const author = await html('/authors/Wenfeng%20Feng');
    assert.match(author.body, /3 papers in this catalog/);
    assert.match(author.body, /href="\/feeds\/author\.rss\?name=Wenfeng\+Feng"/);
    await html('/authors/Nobody%20Here', 404);
    const categories = await html('/categories');
    assert.match(categories.body, /href="\/categories\/math.CO"/);
    const category = await html('/categories/math.CO');
    assert.match(category.body, /Sparsity-certifying Graph Decompositions/);
    await html('/categories/zz.ZZ', 404);
    await html('/categories/cs.LG?cursor=not-a-cursor', 400);
  });

  test('unknown pages are an HTML 404; static files are cached', async () => {
    await html('/no/such/page', 404);
    assert.match((await html('/about/trending')).body, /0.5 \^ \(ageHours \/ halfLifeHours\)/);
    const css = await get('/static/style.css');
    assert.equal(css.status, 200);
    assert.match(css.headers.get('cache-control')!, /max-age=86400/);
    const again = await get('/static/style.css', { 'if-none-match': css.headers.get('etag')! });
    assert.equal(again.status, 304);
    assert.equal((await get('/static/katex/fonts/KaTeX_Main-Regular.woff2')).headers.get('content-type'), 'font/woff2');
    assert.equal((await get('/static/katex/fonts/..%2F..%2Fpackage.json')).status, 404);
    assert.equal((await get('/static/katex/fonts/KaTeX_Nope.woff2')).status, 404);
  });
});

describe('Hugging Face–compatible API', () => {
  const recorded = JSON.parse(readFileSync(fixture('hf-daily', '2025-09-02.json'), 'utf8')) as any[];
  /** Every field any recorded item has, with a value of its type. */
  const merge = (a: any, b: any): any => {
    if (typeOf(a) !== 'object' || typeOf(b) !== 'object') return a ?? b;
    const out = { ...a };
    for (const [key, value] of Object.entries(b)) out[key] = key in out ? merge(out[key], value) : value;
    return out;
  };
  const typeOf = (value: unknown) => (Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value);
  /** Every field we send exists in Hugging Face's recorded item, with the same JSON type. */
  const assertSameShape = (ours: any, theirs: any, where: string) => {
    for (const [key, value] of Object.entries(ours)) {
      assert.ok(key in theirs, `${where}.${key} is not a Hugging Face field`);
      assert.equal(typeOf(value), typeOf(theirs[key]), `${where}.${key}`);
      if (typeOf(value) === 'object') assertSameShape(value, theirs[key], `${where}.${key}`);
      if (typeOf(value) === 'array' && typeOf((value as unknown[])[0]) === 'object') assertSameShape((value as unknown[])[0], theirs[key][0], `${where}.${key}[0]`);
    }
  };

  test('GET /api/daily_papers matches a recorded response field for field', async () => {
    const { res, body } = await json('/api/daily_papers?date=2025-09-02&limit=100');
    assert.ok(Array.isArray(body));
    assert.equal(body.length, recorded.length);
    for (const item of body) {
      const theirs = recorded.find((candidate) => candidate.paper.id === item.paper.id);
      assert.ok(theirs, item.paper.id);
      assertSameShape(item, theirs, item.paper.id);
      for (const key of ['paper', 'publishedAt', 'title', 'summary', 'numComments']) assert.ok(key in item, key);
      assert.equal(item.paper.upvotes, theirs.paper.upvotes);
      assert.equal(item.numComments, theirs.numComments);
      assert.equal(item.paper.summary, theirs.paper.summary);
      assert.deepEqual(item.paper.authors.map((author: any) => author.name), theirs.paper.authors.map((author: any) => author.name));
      assert.equal(item.paper.submittedOnDailyAt, theirs.paper.submittedOnDailyAt);
    }
    // sort=trending (the default) is most upvoted first.
    const upvotes = body.map((item: any) => item.paper.upvotes);
    assert.deepEqual(upvotes, [...upvotes].sort((a, b) => b - a));
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
  });

  test('paging with p and limit, and with the cursor of the Link header', async () => {
    const first = await json('/api/daily_papers?date=2025-09-02&limit=3');
    const second = await json('/api/daily_papers?date=2025-09-02&limit=3&p=1');
    const next = /<([^>]+)>; rel="next"/.exec(first.res.headers.get('link')!)![1]!;
    const viaCursor = await json(next);
    assert.deepEqual(viaCursor.body, second.body);
    assert.equal(first.res.headers.get('x-total-count'), String(recorded.length));
    const byDate = await json('/api/daily_papers?date=2025-09-02&sort=publishedAt&limit=100');
    const dates = byDate.body.map((item: any) => item.paper.publishedAt);
    assert.deepEqual(dates, [...dates].sort().reverse());
  });

  test('week, month and the newest day; bad parameters are 400 JSON errors', async () => {
    assert.equal((await json('/api/daily_papers?week=2025-W36')).body.length, recorded.length + 2);
    assert.equal((await json('/api/daily_papers?month=2025-09&limit=100')).body.length, recorded.length + 2);
    assert.equal((await json('/api/daily_papers')).body.length, 2);
    await jsonError('/api/daily_papers?date=2025-13-01', 400, 'bad_input');
    await jsonError('/api/daily_papers?week=2025-W99', 400, 'bad_input');
    await jsonError('/api/daily_papers?limit=1000', 400, 'bad_input');
    await jsonError('/api/daily_papers?sort=random', 400, 'bad_input');
    await jsonError('/api/daily_papers?cursor=%7B%7D', 400, 'bad_input');
  });

  test('GET /api/papers/{id}, /api/papers/search and /papers/{id}.md', async () => {
    const { body } = await json('/api/papers/2508.21104');
    assertSameShape(body, recorded.find((item) => item.paper.id === '2508.21104').paper, 'paper');
    await jsonError('/api/papers/2509.99999', 404, 'not_found');
    await jsonError('/api/papers/x%27%3B%20DROP%20TABLE%20papers', 400, 'bad_input');
    const search = await json('/api/papers/search?q=block%20diffusion&limit=5');
    assert.equal(search.body[0].paper.id, '2509.00002');
    assertSameShape(search.body[0], recorded.reduce(merge), 'search item');
    await jsonError('/api/papers/search', 400, 'bad_input');
    const md = await get('/papers/2509.00001.md');
    assert.match(md.headers.get('content-type')!, /text\/markdown/);
    const text = await md.text();
    assert.match(text, /^# Attack &lt;script&gt;alert/);
    assert.match(text, /\*\*arXiv:\*\* \[2509.00001\]\(https:\/\/arxiv.org\/abs\/2509.00001\)/);
    assert.equal((await get('/papers/2509.99999.md')).status, 404);
  });
});

describe('API v1', () => {
  test('trending with the score breakdown, paged by cursor', async () => {
    const { body } = await json('/api/v1/trending?window=week&limit=1');
    assert.equal(body.window, 'week');
    assert.equal(body.items.length, 1);
    const [top] = body.items;
    assert.equal(top.rank, 1);
    assert.deepEqual(Object.keys(top.breakdown).sort(), ['ageHours', 'decay', 'externalGrowth', 'halfLifeHours', 'ourVotes', 'points']);
    assert.equal(typeof top.paper.upvotes, 'number');
    const next = await json(`/api/v1/trending?window=week&limit=1&cursor=${body.nextCursor}`);
    assert.equal(next.body.items[0].rank, 2);
    await jsonError('/api/v1/trending?window=decade', 400, 'bad_input');
  });

  test('search with filters, papers, similar papers, authors, categories', async () => {
    const search = await json('/api/v1/search?q=block%20diffusion&has_code=true&limit=5');
    assert.equal(search.body.items[0].paper.id, '2509.00002');
    assert.ok(search.body.items[0].snippet.abstract.some((segment: any) => segment.match));
    const byAuthor = await json('/api/v1/search?q=diffusion&author=Ada%20Example');
    assert.deepEqual(byAuthor.body.items.map((hit: any) => hit.paper.id), ['2509.00002']);
    await jsonError('/api/v1/search', 400, 'bad_input');
    await jsonError('/api/v1/search?q=x&to=2025-02-31', 400, 'bad_input');
    const paper = await json('/api/v1/papers/0704.0002');
    assert.deepEqual(paper.body.categories, ['math.CO', 'cs.CG']);
    assert.equal(paper.body.urls.pdf, 'https://arxiv.org/pdf/0704.0002');
    await jsonError('/api/v1/papers/0704.9999', 404, 'not_found');
    const similar = await json('/api/v1/papers/2509.00002/similar?limit=3');
    assert.equal(similar.body.items.length, 3);
    assert.ok(similar.body.items.every((hit: any) => hit.paper.id !== '2509.00002' && typeof hit.score === 'number'));
    await jsonError('/api/v1/papers/2509.00002/similar?limit=0', 400, 'bad_input');
    const author = await json('/api/v1/authors/Wenfeng%20Feng?limit=2');
    assert.equal(author.body.total, 3);
    assert.equal(author.body.items.length, 2);
    const rest = await json(`/api/v1/authors/Wenfeng%20Feng?limit=2&cursor=${author.body.nextCursor}`);
    assert.equal(rest.body.items.length, 1);
    assert.equal(rest.body.nextCursor, null);
    const categories = await json('/api/v1/categories');
    assert.ok(categories.body.items.some((entry: any) => entry.category === 'math.CO' && entry.papers >= 1));
    const category = await json('/api/v1/categories/math.CO');
    assert.equal(category.body.items[0].id, '0704.0002');
    await jsonError('/api/v1/categories/..%2F..', 400, 'bad_input');
  });

  test('OpenAPI 3.1 description and its docs page; health; unknown API paths', async () => {
    const { body } = await json('/api/openapi.json');
    assert.equal(body.openapi, '3.1.0');
    for (const path of ['/api/daily_papers', '/api/papers/search', '/api/papers/{arxivId}', '/papers/{arxivId}.md', '/api/v1/search', '/api/v1/trending', '/api/v1/papers/{arxivId}/similar']) {
      assert.ok(body.paths[path], path);
    }
    // Every API route the server registers is described, with its method.
    const described = new Set(Object.entries(body.paths as Record<string, object>).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path.replace(/\{[^}]+\}/g, '{}')}`)));
    const served = web.routes
      .filter((route) => /^\/(api\/(v1\/|papers|daily)|feeds\/)|^\/papers\/.*\.md/.test(route.path) && route.method !== 'ALL' && !route.path.includes('*'))
      .map((route) => `${route.method} ${route.path.replace(/:\w+(?:\{([^}]*)\})?/g, (_, pattern?: string) => `{}${/\\(\.\w+)$/.exec(pattern ?? '')?.[1] ?? ''}`)}`);
    // The one route serving every named feed is described per feed, e.g. /feeds/trending.{format}.
    const feedNames = ['trending', 'daily', 'search', 'author', 'category'];
    for (const route of served) {
      const names = route === 'GET /feeds/{}' ? feedNames.map((name) => `GET /feeds/${name}.{}`) : [route];
      for (const name of names) assert.ok(described.has(name), `${name} is missing from the OpenAPI description`);
    }
    const docs = await html('/api/docs');
    assert.match(docs.body, /GET \/api\/daily_papers/);
    assert.match(docs.body, /DELETE \/api\/v1\/papers\/\{arxivId\}\/vote/);
    const health = await json('/healthz');
    assert.equal(health.body.ok, true);
    assert.equal(health.body.papers, 9);
    await jsonError('/api/v2/everything', 404, 'not_found');
  });

  test('HTTP caching: ETag and 304, Last-Modified, Cache-Control; CORS preflight', async () => {
    const first = await get('/api/v1/trending');
    const tag = first.headers.get('etag');
    assert.ok(tag);
    assert.equal(first.headers.get('cache-control'), 'public, max-age=60');
    assert.ok(Date.parse(first.headers.get('last-modified')!) > 0);
    assert.equal((await get('/api/v1/trending', { 'if-none-match': tag! })).status, 304);
    const preflight = await web.request('/api/v1/trending', { method: 'OPTIONS', headers: { origin: 'https://example.org', 'access-control-request-method': 'GET' } });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
    assert.equal(first.headers.get('set-cookie'), null);
  });

  test('rate limiting answers 429 with Retry-After and a JSON error', async () => {
    const limited = createWebApp(fx.app, { now: () => NOW, rateLimiter: fx.app.rateLimiter('test-429', { perMinute: 6, burst: 2 }) });
    assert.equal((await limited.request('/api/v1/categories')).status, 200);
    assert.equal((await limited.request('/feeds/trending.rss')).status, 200);
    const refused = await limited.request('/api/v1/categories');
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get('retry-after'), '10');
    assert.deepEqual((await refused.json() as any).error.code, 'rate_limited');
    // Pages are not limited.
    assert.equal((await limited.request('/categories')).status, 200);
  });
});

describe('feeds', () => {
  const kinds = ['trending.%s?window=week', 'daily.%s?date=2025-09-03', 'search.%s?q=diffusion', 'author.%s?name=Wenfeng%20Feng', 'category.%s?category=math.CO'];

  for (const kind of kinds) {
    test(`${kind.split('.')[0]}: RSS 2.0 and Atom 1.0 parse; JSON Feed 1.1 has its required fields`, async () => {
      for (const format of ['rss', 'atom']) {
        const res = await get(`/feeds/${kind.replace('%s', format)}`);
        assert.equal(res.status, 200);
        const feed = parseFeed(await res.text());
        assert.equal(feed.meta.type, format);
        assert.ok(feed.items.length > 0, `${kind} ${format} has items`);
        for (const item of feed.items) {
          assert.match(item.url!, /^http:\/\/localhost\/papers\//);
          assert.ok(item.title);
        }
      }
      const res = await get(`/feeds/${kind.replace('%s', 'json')}`);
      assert.match(res.headers.get('content-type')!, /application\/feed\+json/);
      const feed = await res.json() as any;
      assert.equal(feed.version, 'https://jsonfeed.org/version/1.1');
      assert.ok(feed.title && feed.feed_url && feed.items.length > 0);
      for (const item of feed.items) assert.ok(item.id && item.url && item.content_text !== undefined);
    });
  }

  test('hostile titles stay text in every format', async () => {
    const rss = parseFeed(await (await get('/feeds/daily.rss?date=2025-09-03')).text());
    assert.ok(rss.items.some((item) => item.title?.includes("<script>alert('title')</script>")));
    const atom = parseFeed(await (await get('/feeds/daily.atom?date=2025-09-03')).text());
    assert.ok(atom.items.some((item) => item.title?.includes("<script>alert('title')</script>")));
  });

  test('bad feeds are JSON errors', async () => {
    await jsonError('/feeds/everything.rss', 404, 'not_found');
    await jsonError('/feeds/trending.pdf', 404, 'not_found');
    await jsonError('/feeds/search.rss', 400, 'bad_input');
    await jsonError('/feeds/author.atom', 400, 'bad_input');
    await jsonError('/feeds/daily.json?date=2025-02-30', 400, 'bad_input');
  });
});

describe('forms and CSRF', () => {
  const tokenAndCookie = async () => {
    const res = await get('/');
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    const token = /name="csrf" value="([\w-]+)"/.exec(await res.text())![1]!;
    return { cookie, token };
  };
  const post = (app: Hono<WebEnv>, path: string, body: string, cookie?: string) =>
    app.request(path, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) } });

  test('a post without a valid token is refused; the subscribe route is not faked', async () => {
    const { cookie, token } = await tokenAndCookie();
    assert.equal((await post(web, '/subscribe', 'email=a%40example.org')).status, 403);
    assert.equal((await post(web, '/subscribe', `email=a%40example.org&csrf=${token}`)).status, 403, 'token without its cookie');
    assert.equal((await post(web, '/subscribe', `email=a%40example.org&csrf=${token}x`, cookie)).status, 403);
    // With a valid token the request reaches routing: no subscribe route is registered here.
    assert.equal((await post(web, '/subscribe', `email=a%40example.org&csrf=${token}`, cookie)).status, 404);
  });

  test('extensions get checked posts; the secret is generated once and kept in the state store', async () => {
    const echo = createWebApp(fx.app, {
      now: () => NOW,
      extensions: [(app) => app.post('/echo', async (c) => c.json(await c.req.parseBody()))],
    });
    const { cookie, token } = await tokenAndCookie();
    const res = await post(echo, '/echo', `email=a%40example.org&csrf=${token}`, cookie);
    assert.equal(res.status, 200, 'a second app on the same store accepts the first app\'s token');
    assert.equal((await res.json() as any).email, 'a@example.org');
    const secret = await fx.app.store.getState('web.csrf-secret');
    assert.equal(Buffer.from(secret!, 'base64url').length, 32);
  });
});
