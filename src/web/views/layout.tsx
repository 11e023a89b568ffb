import type { Child } from 'hono/jsx';
import { CSRF_FIELD } from '../security.js';

/** A feed of the page's list, announced with `<link rel="alternate">`. */
export interface FeedLink {
  title: string;
  /** Path and query without the extension, e.g. `/feeds/trending?window=week` → `.rss`, `.atom`, `.json`. */
  path: string;
  query?: string;
}

/** The three formats every feed comes in. */
export const FEED_FORMATS = [
  { ext: 'rss', type: 'application/rss+xml', label: 'RSS' },
  { ext: 'atom', type: 'application/atom+xml', label: 'Atom' },
  { ext: 'json', type: 'application/feed+json', label: 'JSON Feed' },
] as const;

/** A feed's URL in one format. */
export const feedUrl = (feed: FeedLink, ext: string) => `${feed.path}.${ext}${feed.query ? `?${feed.query}` : ''}`;

export interface LayoutProps {
  title: string;
  csrfToken: string;
  /** Which navigation entry is the current page. */
  current?: 'trending' | 'daily' | 'search' | 'categories' | 'api' | 'for-you';
  feed?: FeedLink;
  /** Load KaTeX's stylesheet: the page shows typeset math. */
  math?: boolean;
  children?: Child;
}

/** Every page's frame: header and navigation, the subscribe box, footer. */
export function Layout({ title, csrfToken, current, feed, math, children }: LayoutProps) {
  const nav = [
    ['trending', '/', 'Trending'],
    ['daily', '/papers/date', 'Daily papers'],
    ['search', '/search', 'Search'],
    ['categories', '/categories', 'Categories'],
    ['api', '/api/docs', 'API'],
    ['for-you', '/for-you', 'For you'],
  ] as const;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <title>{`${title} · paperfeed`}</title>
        <link rel="icon" href="/static/icon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/static/style.css" />
        {math && <link rel="stylesheet" href="/static/katex/katex.min.css" />}
        {feed && FEED_FORMATS.map((format) => (
          <link rel="alternate" type={format.type} title={`${feed.title} (${format.label})`} href={feedUrl(feed, format.ext)} />
        ))}
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <header class="site">
          <a class="brand" href="/">paperfeed</a>
          <nav aria-label="Main">
            <ul>
              {nav.map(([key, href, label]) => (
                <li><a href={href} aria-current={current === key ? 'page' : undefined}>{label}</a></li>
              ))}
            </ul>
          </nav>
          <form class="quick-search" role="search" action="/search" method="get">
            <label for="quick-q" class="visually-hidden">Search papers</label>
            <input id="quick-q" name="q" type="search" placeholder="Search papers" />
          </form>
        </header>
        <main id="main">{children}</main>
        <SubscribeBox csrfToken={csrfToken} />
        <footer class="site">
          {feed && (
            <p>
              Follow this list: {FEED_FORMATS.map((format, index) => (
                <>{index > 0 && ' · '}<a href={feedUrl(feed, format.ext)}>{format.label}</a></>
              ))}
            </p>
          )}
          <p>paperfeed · paper metadata from arXiv and Hugging Face · <a href="/api/docs">API</a></p>
        </footer>
      </body>
    </html>
  );
}

/** The daily digest sign-up, a plain form that works without JavaScript. */
export function SubscribeBox({ csrfToken }: { csrfToken: string }) {
  return (
    <aside class="subscribe" aria-labelledby="subscribe-title">
      <h2 id="subscribe-title">Get trending papers in your email inbox once a day!</h2>
      <form method="post" action="/subscribe">
        <input type="hidden" name={CSRF_FIELD} value={csrfToken} />
        <label for="subscribe-email">Email address</label>
        <input id="subscribe-email" name="email" type="email" required autocomplete="email" />
        <button type="submit">Subscribe</button>
      </form>
    </aside>
  );
}
