import type { Hono } from 'hono';
import type { WebEnv } from '../http.js';
import { renderPage, sendPage } from '../render.js';

type Param = { name: string; in: 'query' | 'path'; required?: boolean; description: string; schema: Record<string, unknown> };

const str = (extra: Record<string, unknown> = {}) => ({ type: 'string', ...extra });
const int = (min: number, max: number, byDefault?: number) => ({ type: 'integer', minimum: min, maximum: max, ...(byDefault !== undefined ? { default: byDefault } : {}) });
const q = (name: string, description: string, schema: Record<string, unknown>, required = false): Param => ({ name, in: 'query', required, description, schema });
const path = (name: string, description: string): Param => ({ name, in: 'path', required: true, description, schema: str() });

const limit = q('limit', 'How many items to return.', int(1, 100, 20));
const cursor = q('cursor', 'The `nextCursor` of the previous page; omit for the first page.', str());
const searchFilters = [
  q('category', 'Only papers in this arXiv category, e.g. `cs.LG`.', str()),
  q('author', 'Only papers with an author of this name.', str()),
  q('from', 'Published on or after this day.', str({ format: 'date' })),
  q('to', 'Published on or before this day.', str({ format: 'date' })),
  q('has_code', 'Only papers with a code repository.', str({ enum: ['true'] })),
  q('sort', 'Order of the matches: most relevant, newest, or trending this week.', str({ enum: ['relevance', 'date', 'trending'], default: 'relevance' })),
];

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Record<string, unknown>, description = 'OK') => ({ description, content: { 'application/json': { schema } } });
const list = (item: Record<string, unknown>) => ({
  type: 'object',
  required: ['items', 'nextCursor'],
  properties: {
    total: { type: 'integer' },
    totalEstimated: { type: 'boolean', description: 'Search only: true when total is an estimate (matches beyond 1,000 are not counted one by one).' },
    items: { type: 'array', items: item }, nextCursor: { type: ['string', 'null'] },
  },
});
const errors = {
  '400': json(ref('Error'), 'Bad input: a parameter is missing or malformed.'),
  '404': json(ref('Error'), 'Not found.'),
  '429': json(ref('Error'), 'Too many requests; see the Retry-After header.'),
};
const op = (summary: string, tag: string, parameters: Param[], ok: Record<string, unknown>) => ({ get: { summary, tags: [tag], parameters, responses: { '200': ok, ...errors } } });
/** An operation for a signed-in account: the session cookie, plus the CSRF header when it changes state. */
const accountOp = (summary: string, parameters: Param[], ok: Record<string, unknown>, changesState: boolean) => ({
  summary, tags: ['account'], parameters, security: [changesState ? { session: [], csrf: [] } : { session: [] }],
  responses: { '200': ok, ...errors, '401': json(ref('Error'), 'Not signed in.'), ...(changesState ? { '403': json(ref('Error'), 'Missing or wrong CSRF token.') } : {}) },
});
const voteResult = json({ type: 'object', required: ['voted', 'votes'], properties: { voted: { type: 'boolean' }, votes: { type: 'integer', description: "This paper's paperfeed upvotes." } } });
const rssOp = (summary: string, parameters: Param[]) => ({
  get: { summary, tags: ['feeds'], parameters, responses: { '200': { description: 'The feed.', content: { 'application/rss+xml': {} } }, ...errors } },
});
const feedOp = (summary: string, parameters: Param[]) => ({
  get: {
    summary, tags: ['feeds'], parameters: [path('format', '`rss` (RSS 2.0), `atom` (Atom 1.0) or `json` (JSON Feed 1.1).'), ...parameters],
    responses: { '200': { description: 'The feed.', content: { 'application/rss+xml': {}, 'application/atom+xml': {}, 'application/feed+json': {} } }, ...errors },
  },
});

/**
 * The OpenAPI 3.1 description of paperfeed's HTTP API, served at `/api/openapi.json` and shown
 * at `/api/docs`. Kept beside the routes so the two change together.
 */
export const OPENAPI = {
  openapi: '3.1.0',
  info: {
    title: 'paperfeed API',
    version: '1',
    description: 'Research papers from arXiv and Hugging Face. Lists are paged with an opaque `cursor` (and a `Link: rel="next"` header). Responses carry `ETag`, `Last-Modified` and `Cache-Control`; any origin may call the API (CORS). Each client address has a request budget; past it the API answers 429 with `Retry-After`. Errors are `{"error":{"code","message"}}`.',
  },
  tags: [
    { name: 'huggingface', description: 'Compatible with the Hugging Face Papers API: the same paths, parameters and field names.' },
    { name: 'v1', description: "paperfeed's own API." },
    { name: 'account', description: "A signed-in account's API: sign in on the site (/signin); calls that change state also need the `X-CSRF-Token` header, whose value the site's forms carry." },
    { name: 'feeds', description: 'RSS 2.0, Atom 1.0 and JSON Feed 1.1.' },
  ],
  paths: {
    '/api/daily_papers': op('Papers featured on a day, week or month (default: the newest day).', 'huggingface', [
      q('date', 'A day.', str({ format: 'date' })),
      q('week', 'An ISO week, e.g. `2025-W36`.', str({ pattern: '^\\d{4}-W\\d{2}$' })),
      q('month', 'A month, e.g. `2025-09`.', str({ pattern: '^\\d{4}-\\d{2}$' })),
      q('sort', '`trending`: most upvoted first; `publishedAt`: newest first.', str({ enum: ['trending', 'publishedAt'], default: 'trending' })),
      q('p', 'Page number, from 0 (Hugging Face style).', int(0, 10000, 0)),
      q('limit', 'Papers per page.', int(1, 100, 50)),
      cursor,
    ], json({ type: 'array', items: ref('HfDailyPaper') })),
    '/api/papers/search': op('Full-text search, Hugging Face style.', 'huggingface', [q('q', 'Words to search for.', str(), true), limit, cursor], json({ type: 'array', items: ref('HfDailyPaper') })),
    '/api/papers/{arxivId}': op('One paper, Hugging Face style.', 'huggingface', [path('arxivId', 'An arXiv id without version, e.g. `2508.21104`.')], json(ref('HfPaper'))),
    '/papers/{arxivId}.md': {
      get: { summary: 'One paper as Markdown.', tags: ['huggingface'], parameters: [path('arxivId', 'An arXiv id.')], responses: { '200': { description: 'Markdown.', content: { 'text/markdown': {} } }, ...errors } },
    },
    '/api/v1/search': op('Search with filters; each match has a score and a snippet.', 'v1', [q('q', 'Words; phrases in double quotes.', str(), true), ...searchFilters, limit, cursor], json(list({ type: 'object', properties: { paper: ref('Paper'), score: { type: 'number' }, snippet: ref('Snippet') } }))),
    '/api/v1/trending': op('Trending papers, each with the breakdown of its score (see docs/trending.md).', 'v1', [q('window', 'The window.', str({ enum: ['today', 'week', 'month'], default: 'today' })), limit, cursor], json(list({ type: 'object', properties: { rank: { type: 'integer' }, paper: ref('Paper'), score: { type: 'number' }, breakdown: ref('TrendingBreakdown') } }))),
    '/api/v1/papers/{arxivId}': op('One paper.', 'v1', [path('arxivId', 'An arXiv id without version.')], json(ref('Paper'))),
    '/api/v1/papers/{arxivId}/similar': op('Papers similar to one paper.', 'v1', [path('arxivId', 'An arXiv id without version.'), q('limit', 'How many.', int(1, 50, 10))], json(list({ type: 'object', properties: { paper: ref('Paper'), score: { type: 'number' } } }))),
    '/api/v1/authors/{name}': op("An author's papers, newest first.", 'v1', [path('name', 'The author name, as printed on papers.'), limit, cursor], json(list(ref('Paper')))),
    '/api/v1/categories': op('Categories with their number of papers.', 'v1', [q('limit', 'How many.', int(1, 1000, 100)), cursor], json(list({ type: 'object', properties: { category: { type: 'string' }, papers: { type: 'integer' } } }))),
    '/api/v1/categories/{category}': op('Papers in a category, newest first.', 'v1', [path('category', 'An arXiv category, e.g. `cs.LG`.'), limit, cursor], json(list(ref('Paper')))),
    '/api/v1/papers/{arxivId}/vote': {
      post: accountOp('Upvote a paper (once per account; again changes nothing).', [path('arxivId', 'An arXiv id without version.')], voteResult, true),
      delete: accountOp('Take an upvote back.', [path('arxivId', 'An arXiv id without version.')], voteResult, true),
    },
    '/api/v1/for-you': {
      get: accountOp('New papers ranked for this account by its follows, upvotes and saved papers, each with the reason.', [q('limit', 'How many.', int(1, 100, 20))], json({
        type: 'object',
        properties: {
          start: { type: 'string', format: 'date-time' }, end: { type: 'string', format: 'date-time' }, total: { type: 'integer' }, nextCursor: { type: 'null' },
          items: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, title: { type: 'string' }, score: { type: 'number' }, breakdown: { type: 'object' }, reason: { type: 'string' } } } },
        },
      }), false),
    },
    '/feeds/for-you/{token}.rss': rssOp("An account's For you list; the signed token is shown on /for-you and /account.", [path('token', 'The feed token.')]),
    '/feeds/collections/{key}.rss': rssOp('The papers of a public collection.', [path('key', 'The collection key.')]),
    '/feeds/trending.{format}': feedOp('Trending papers.', [q('window', 'The window.', str({ enum: ['today', 'week', 'month'] }))]),
    '/feeds/daily.{format}': feedOp("A day's featured papers.", [q('date', 'The day (default: the newest).', str({ format: 'date' }))]),
    '/feeds/search.{format}': feedOp('New papers matching a search.', [q('q', 'Words.', str(), true), ...searchFilters.slice(0, 2)]),
    '/feeds/author.{format}': feedOp("An author's papers.", [q('name', 'The author.', str(), true)]),
    '/feeds/category.{format}': feedOp('New papers in a category.', [q('category', 'The category.', str(), true)]),
    '/healthz': { get: { summary: 'Liveness: the server answers and the catalog opens.', tags: ['v1'], parameters: [], responses: { '200': json({ type: 'object', properties: { ok: { type: 'boolean' }, papers: { type: 'integer' } } }) } } },
  },
  components: {
    securitySchemes: {
      session: { type: 'apiKey', in: 'cookie', name: 'pf_session', description: 'Set by signing in with an emailed link at /signin.' },
      csrf: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token', description: 'The token the site puts in its forms (field `csrf`), paired with the `pf_csrf` cookie.' },
    },
    schemas: {
      Error: { type: 'object', required: ['error'], properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string', enum: ['bad_input', 'usage', 'not_found', 'conflict', 'rate_limited', 'unauthorized', 'forbidden', 'remote', 'internal'] }, message: { type: 'string' } } } } },
      HfPaper: {
        type: 'object', required: ['id', 'authors', 'publishedAt', 'title', 'summary', 'upvotes'],
        properties: {
          id: { type: 'string' }, authors: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
          publishedAt: { type: 'string', format: 'date-time' }, submittedOnDailyAt: { type: 'string', format: 'date-time' },
          title: { type: 'string' }, summary: { type: 'string' }, upvotes: { type: 'integer' },
          githubRepo: { type: 'string' }, githubStars: { type: 'integer' }, ai_keywords: { type: 'array', items: { type: 'string' } },
        },
      },
      HfDailyPaper: {
        type: 'object', required: ['paper', 'publishedAt', 'title', 'summary', 'numComments'],
        properties: { paper: ref('HfPaper'), publishedAt: { type: 'string', format: 'date-time' }, title: { type: 'string' }, summary: { type: 'string' }, numComments: { type: 'integer' } },
      },
      Paper: {
        type: 'object',
        properties: {
          id: { type: 'string' }, title: { type: 'string' }, abstract: { type: 'string' },
          authors: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, affiliations: { type: 'array', items: { type: 'string' } } } } },
          categories: { type: 'array', items: { type: 'string' } }, published: { type: 'string' }, updated: { type: 'string' },
          versions: { type: 'array', items: { type: 'object', properties: { version: { type: 'integer' }, date: { type: 'string' } } } },
          featuredAt: { type: ['string', 'null'] }, withdrawn: { type: 'boolean' }, comments: { type: ['string', 'null'] },
          journalRef: { type: ['string', 'null'] }, doi: { type: ['string', 'null'] }, license: { type: ['string', 'null'] },
          codeUrl: { type: ['string', 'null'] }, keywords: { type: 'array', items: { type: 'string' } },
          upvotes: { type: 'integer' }, numComments: { type: 'integer' },
          urls: { type: 'object', properties: { page: { type: 'string' }, abs: { type: 'string' }, pdf: { type: 'string' } } },
        },
      },
      Snippet: {
        type: 'object', description: 'The title and the best passage of the abstract, as segments; `match` segments are what matched.',
        properties: Object.fromEntries(['title', 'abstract'].map((key) => [key, { type: 'array', items: { type: 'object', properties: { text: { type: 'string' }, match: { type: 'boolean' } } } }])),
      },
      TrendingBreakdown: {
        type: 'object',
        properties: { ourVotes: { type: 'number' }, externalGrowth: { type: 'number' }, points: { type: 'number' }, ageHours: { type: 'number' }, halfLifeHours: { type: 'number' }, decay: { type: 'number' } },
      },
    },
  },
} as const;

type Operation = { summary: string; tags: readonly string[]; parameters: readonly Param[] };

function operationsTagged(tag: string): { method: string; route: string; operation: Operation }[] {
  return Object.entries(OPENAPI.paths).flatMap(([route, item]) => Object.entries(item as Record<string, Operation>)
    .filter(([, operation]) => operation.tags.includes(tag))
    .map(([method, operation]) => ({ method, route, operation })));
}

/** Serves the spec and a readable page generated from it. */
export function registerOpenApi(web: Hono<WebEnv>): void {
  web.get('/api/openapi.json', (c) => c.json(OPENAPI));
  const docs = renderPage({ title: 'API', current: 'api' }, (
    <>
      <h1>{OPENAPI.info.title}</h1>
      <p>{OPENAPI.info.description}</p>
      <p>Machine-readable: <a href="/api/openapi.json">OpenAPI 3.1 description</a>.</p>
      {OPENAPI.tags.map((tag) => (
        <section aria-labelledby={`tag-${tag.name}`}>
          <h2 id={`tag-${tag.name}`}>{tag.description}</h2>
          {operationsTagged(tag.name).map(({ method, route, operation }) => (
            <article class="endpoint">
              <h3><code>{`${method.toUpperCase()} ${route}`}</code></h3>
              <p>{operation.summary}</p>
              {operation.parameters.length > 0 && (
                <table>
                  <thead><tr><th scope="col">Parameter</th><th scope="col">In</th><th scope="col">Description</th></tr></thead>
                  <tbody>
                    {operation.parameters.map((param) => (
                      <tr><td><code>{param.name}</code>{param.required && ' (required)'}</td><td>{param.in}</td><td>{param.description}</td></tr>
                    ))}
                  </tbody>
                </table>
              )}
            </article>
          ))}
        </section>
      ))}
    </>
  ));
  web.get('/api/docs', async (c) => sendPage(c, await docs));
}
