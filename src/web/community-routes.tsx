/**
 * The community pages and API: sign-in by magic link, upvotes, follows, "not interested",
 * collections and "For you". Registered after the CSRF check, so every form and API call that
 * changes anything carries a valid token.
 *
 * | route | what |
 * |---|---|
 * | `GET, POST /signin`, `GET, POST /signin/{token}`, `POST /signout` | ask for a link; spend it (a GET never signs in, so link scanners cannot) |
 * | `GET /account` | follows, upvotes, collections, the personal feed and the digest subscription |
 * | `POST /follows`, `POST /follows/remove`, `GET /follows/authors?name=` | follow and unfollow; choose among namesakes |
 * | `POST /papers/{id}/{vote,unvote,not-interested,interested,save}` | form actions on a paper |
 * | `GET /for-you`, `GET /api/v1/for-you`, `GET /feeds/for-you/{token}.rss` | the personal ranking |
 * | `POST, DELETE /api/v1/papers/{id}/vote` | upvote by API (session cookie and `X-CSRF-Token`) |
 * | `GET, POST /collections`, `GET, POST /collections/{key}`, `POST /collections/{key}/{delete,remove}`, `GET /feeds/collections/{key}.rss` | collections |
 */
import type { Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import type { App } from '../app.js';
import type { Account } from '../community/store.js';
import { EmailSchema } from '../digest/subscription.js';
import { PaperfeedError } from '../errors.js';
import { followKey, formatFollow } from '../follows/follow.js';
import { Csrf, formLimit, page } from './digest-routes.js';
import { toRss } from './feeds.js';
import { parseWith, type WebEnv } from './http.js';
import type { RateLimiter } from './ports.js';
import { rateLimit } from './rate-limit.js';
import type { WebExtension, WebKit } from './server.js';
import { PaperCard, authorHref, paperHref } from './views/components.js';
import { PaperActions } from './views/paper-actions.js';

export interface CommunityRouteOptions {
  now?: () => Date;
  /** Sign-in requests per client address; default 10 an hour with bursts of 5. */
  perClient?: RateLimiter;
  /** Background failures (a sign-in mail that could not be sent). */
  onError?: (error: Error) => void;
}

const SESSION_COOKIE = 'pf_session';
const FOR_YOU_SIZE = 50;
const Token = z.string().regex(/^[\w.-]{10,300}$/, 'not a link we sent');
const PaperId = z.string().min(1).max(64);
const CollectionKey = z.string().regex(/^[\w-]{1,32}$/, 'not a collection');
const Checkbox = z.preprocess((value) => value === 'on' || value === 'true' || value === true, z.boolean());

/** The community pages as a web extension. */
export function communityRoutes(app: App, options: CommunityRouteOptions = {}): WebExtension {
  const now = options.now ?? (() => new Date());
  const perClient = options.perClient ?? app.rateLimiter('signin-client', { perMinute: 10 / 60, burst: 5 });

  return (web: Hono<WebEnv>, kit: WebKit) => {
    const accountOf = (c: Context<WebEnv>) => app.accounts.accountOf(getCookie(c, SESSION_COOKIE), now());
    /** The signed-in account, or `unauthorized`: forms and the API need a session. */
    const requireAccount = async (c: Context<WebEnv>): Promise<Account> => {
      const account = await accountOf(c);
      if (!account) throw new PaperfeedError('unauthorized', 'sign in first: /signin');
      return account;
    };
    const form = async (c: Context<WebEnv>) => (await c.req.parseBody()) as Record<string, string | File>;

    web.get('/signin', async (c) => page(c, kit, 'Sign in', <>
      <h1>Sign in</h1>
      <p>We email you a link that signs you in; no password. It works once, for 15 minutes.</p>
      <form method="post" action="/signin">
        <Csrf c={c} />
        <label for="signin-email">Email address</label>{' '}
        <input id="signin-email" name="email" type="email" required autocomplete="email" />{' '}
        <button type="submit">Email me a sign-in link</button>
      </form>
    </>));

    web.post('/signin', formLimit, rateLimit(perClient, now), async (c) => {
      const { email } = parseWith(z.object({ email: EmailSchema }), await form(c), 'form');
      // Not awaited: the answer must come as fast for a known address as for a new one.
      app.accounts.requestSignIn(email, now()).catch((error: Error) => options.onError?.(error));
      return page(c, kit, 'Check your inbox', <><h1>Check your inbox</h1><p>A sign-in link is on its way to {email}.</p></>);
    });

    web.get('/signin/:token', async (c) => {
      parseWith(Token, c.req.param('token'), 'link');
      return page(c, kit, 'Sign in', <>
        <h1>Sign in to paperfeed</h1>
        <form method="post"><Csrf c={c} /><button type="submit">Sign in</button></form>
      </>);
    });

    web.post('/signin/:token', formLimit, async (c) => {
      const token = parseWith(Token, c.req.param('token'), 'link');
      const signedIn = await app.accounts.signIn(token, now(), getCookie(c, SESSION_COOKIE));
      setCookie(c, SESSION_COOKIE, signedIn.cookie, {
        httpOnly: true, sameSite: 'Lax', path: '/', expires: signedIn.expires, secure: new URL(c.req.url).protocol === 'https:',
      });
      c.header('Cache-Control', 'no-store');
      return c.redirect('/for-you', 303);
    });

    web.post('/signout', formLimit, async (c) => {
      const cookie = getCookie(c, SESSION_COOKIE);
      if (cookie) await app.accounts.signOut(cookie, now());
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.redirect('/', 303);
    });

    web.get('/account', async (c) => {
      const account = await accountOf(c);
      if (!account) return c.redirect('/signin', 303);
      const [follows, collections, voted] = await Promise.all([
        app.community.follows(account), app.community.collections(account), app.community.votedPapers(account),
      ]);
      const subscriber = await app.digests.subscriptionOf(account.email);
      const links = subscriber && (await app.digests.links(subscriber, now()));
      const feed = `/feeds/for-you/${await app.accounts.feedToken(account, now())}.rss`;
      return page(c, kit, 'Your account', <>
        <h1>Your account</h1>
        <p>Signed in as {account.email}. <a href="/for-you">For you</a> · <a href={feed}>your For you feed (RSS, keep it private)</a></p>
        <form method="post" action="/signout"><Csrf c={c} /><button type="submit">Sign out</button></form>
        <h2>Digest</h2>
        {links
          ? <p>Your digest subscription is {subscriber!.status}. <a href={links.manage.replace(/^https?:\/\/[^/]+/, '')}>Digest preferences</a></p>
          : <p>No digest subscription for this address; the box below starts one.</p>}
        <h2>Follows</h2>
        <ul class="follows">
          {follows.map((follow) => (
            <li>{formatFollow(follow)}{' '}
              <form method="post" action="/follows/remove" class="inline"><Csrf c={c} /><input type="hidden" name="key" value={followKey(follow)} /><button type="submit">Unfollow</button></form>
            </li>
          ))}
        </ul>
        <FollowForm c={c} />
        <h2>Collections</h2>
        <ul>{collections.map((collection) => <li><a href={`/collections/${collection.key}`}>{collection.name}</a>{` · ${collection.papers} papers · ${collection.public ? 'public' : 'private'}`}</li>)}</ul>
        <CollectionForm c={c} />
        <h2>Your upvotes</h2>
        <ul>{voted.map((ref) => <li><a href={paperHref(ref.paperId)}>{ref.paperId}</a></li>)}</ul>
      </>);
    });

    web.post('/follows', formLimit, async (c) => {
      const account = await requireAccount(c);
      const body = await form(c);
      const kind = parseWith(z.enum(['topic', 'category', 'author']), body.kind, 'kind');
      const value = typeof body.value === 'string' ? body.value : '';
      await app.community.follow(account, kind === 'topic' ? { kind, query: value } : kind === 'category' ? { kind, category: value } : { kind, name: value }, now());
      return c.redirect(backTo(body.back, '/account'), 303);
    });

    web.post('/follows/remove', formLimit, async (c) => {
      const account = await requireAccount(c);
      const body = await form(c);
      await app.community.unfollow(account, parseWith(z.string().min(1).max(300), body.key, 'key'));
      return c.redirect('/account', 303);
    });

    web.get('/follows/authors', async (c) => {
      const name = parseWith(z.string().trim().min(2).max(100), c.req.query('name'), 'name');
      const choices = await app.community.authorChoices(name);
      return page(c, kit, `Follow an author: ${name}`, <>
        <h1>Which {name}?</h1>
        <p>Authors whose names hold these words; pick the one you mean by their topics and papers.</p>
        {choices.length === 0 && <p class="empty">No author by that name in the catalog.</p>}
        <ul class="namesakes">{choices.map((choice) => (
          <li>
            <a href={authorHref(choice.name)}>{choice.name}</a>{` · ${choice.papers} papers · ${choice.categories.join(', ')} · latest: `}<em>{choice.latestTitle}</em>{' '}
            <form method="post" action="/follows" class="inline"><Csrf c={c} /><input type="hidden" name="kind" value="author" /><input type="hidden" name="value" value={choice.name} /><button type="submit">Follow</button></form>
          </li>
        ))}</ul>
      </>);
    });

    // Form actions on a paper; each answers with a redirect back to where the form was.
    const actions = {
      vote: (account: Account, id: string) => app.community.vote(account, id, now()),
      unvote: (account: Account, id: string) => app.community.unvote(account, id, now()),
      'not-interested': (account: Account, id: string) => app.community.notInterested(account, id, true, now()),
      interested: (account: Account, id: string) => app.community.notInterested(account, id, false, now()),
    } as const;
    for (const action of ['vote', 'unvote', 'not-interested', 'interested', 'save'] as const) {
      web.post(`/papers/:id{.+}/${action}`, formLimit, async (c) => {
        const account = await requireAccount(c);
        const id = parseWith(PaperId, c.req.param('id'), 'paper');
        const body = await form(c);
        if (action === 'save') await app.community.addToCollection(account, parseWith(CollectionKey, body.collection, 'collection'), id, now());
        else await actions[action](account, id);
        return c.redirect(backTo(body.back, paperHref(id)), 303);
      });
    }

    web.post('/api/v1/papers/:id{.+}/vote', async (c) => c.json(await app.community.vote(await requireAccount(c), parseWith(PaperId, c.req.param('id'), 'paper'), now())));
    web.delete('/api/v1/papers/:id{.+}/vote', async (c) => c.json(await app.community.unvote(await requireAccount(c), parseWith(PaperId, c.req.param('id'), 'paper'), now())));

    web.get('/for-you', async (c) => {
      const account = await accountOf(c);
      if (!account) {
        return page(c, kit, 'For you', <><h1>For you</h1><p><a href="/signin">Sign in</a> to get new papers ranked by what you follow and upvote.</p></>);
      }
      const [{ entries, start, end }, collections] = await Promise.all([app.community.forYou(account, now(), FOR_YOU_SIZE), app.community.collections(account)]);
      return page(c, kit, 'For you', <>
        <h1>For you</h1>
        <p class="muted">{`New papers from ${start.slice(0, 10)} to ${end.slice(0, 10)}, ranked by your follows and by similarity to what you upvoted and saved.`} <a href="/account">Your follows</a></p>
        <FollowForm c={c} back="/for-you" />
        {entries.length === 0
          ? <p class="empty">Nothing yet: follow a topic, an author or a category, or upvote papers you like.</p>
          : <ol class="papers for-you">{entries.map((entry) => (
            <li>
              <PaperCard paper={entry.paper} extras={{ score: entry.item.score }} />
              <p class="reason"><Emphasis text={entry.reason} /></p>
              <PaperActions paperId={entry.paper.id} back="/for-you" collections={collections.map((collection) => ({ key: collection.key, name: collection.name }))} />
            </li>
          ))}</ol>}
      </>);
    });

    web.get('/api/v1/for-you', async (c) => {
      const account = await requireAccount(c);
      const { limit } = parseWith(z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }), c.req.query(), 'query');
      const { entries, start, end } = await app.community.forYou(account, now(), limit);
      // Personal: never kept by the shared response cache or a proxy.
      c.header('Cache-Control', 'private, no-store');
      return c.json({
        start, end, total: entries.length, nextCursor: null,
        items: entries.map((entry) => ({ id: entry.paper.id, title: entry.paper.title, score: entry.item.score, breakdown: entry.item.breakdown, reason: entry.reason })),
      });
    });

    web.get('/feeds/for-you/:file{[\\w.-]+\\.rss}', async (c) => {
      const token = c.req.param('file').replace(/\.rss$/, '');
      const account = await app.accounts.accountOfFeed(parseWith(Token, token, 'feed'), now());
      const { entries } = await app.community.forYou(account, now(), FOR_YOU_SIZE);
      const url = new URL(c.req.url);
      c.header('Cache-Control', 'private, max-age=300');
      return c.body(toRss({
        title: 'For you', self: url.href, home: `${url.origin}/for-you`, updated: now().toISOString(),
        papers: entries.map((entry) => ({ ...entry.paper, abstract: `${entry.reason.replace(/\*/g, '')}. ${entry.paper.abstract}` })),
      }, url.origin), 200, { 'Content-Type': 'application/rss+xml; charset=utf-8' });
    });

    web.get('/collections', async (c) => {
      const account = await accountOf(c);
      if (!account) return c.redirect('/signin', 303);
      const collections = await app.community.collections(account);
      return page(c, kit, 'Your collections', <>
        <h1>Your collections</h1>
        <ul>{collections.map((collection) => <li><a href={`/collections/${collection.key}`}>{collection.name}</a>{` · ${collection.papers} papers · ${collection.public ? 'public' : 'private'}`}</li>)}</ul>
        <CollectionForm c={c} />
      </>);
    });

    web.post('/collections', formLimit, async (c) => {
      const account = await requireAccount(c);
      const body = await form(c);
      const collection = await app.community.createCollection(account, { name: body.name, public: Checkbox.parse(body.public) }, now());
      return c.redirect(`/collections/${collection.key}`, 303);
    });

    web.get('/collections/:key', async (c) => {
      const key = parseWith(CollectionKey, c.req.param('key'), 'collection');
      const { collection, papers, owned } = await app.community.collection(key, await accountOf(c));
      return page(c, kit, collection.name, <>
        <h1>{collection.name}</h1>
        <p class="muted">{`${collection.public ? 'Public' : 'Private'} collection of ${papers.length} papers.`}{collection.public && <> <a href={`/feeds/collections/${collection.key}.rss`}>RSS</a></>}</p>
        {owned && (
          <form method="post" action={`/collections/${collection.key}`}>
            <Csrf c={c} />
            <label>Name <input name="name" value={collection.name} maxlength={100} required /></label>{' '}
            <label><input type="checkbox" name="public" checked={collection.public} /> public</label>{' '}
            <button type="submit">Save</button>
          </form>
        )}
        <ol class="papers">{papers.map((paper) => (
          <li>
            <PaperCard paper={paper} />
            {owned && <form method="post" action={`/collections/${collection.key}/remove`} class="inline"><Csrf c={c} /><input type="hidden" name="paperId" value={paper.id} /><button type="submit">Remove</button></form>}
          </li>
        ))}</ol>
        {owned && <form method="post" action={`/collections/${collection.key}/delete`}><Csrf c={c} /><button type="submit">Delete this collection</button></form>}
      </>);
    });

    web.post('/collections/:key', formLimit, async (c) => {
      const key = parseWith(CollectionKey, c.req.param('key'), 'collection');
      const body = await form(c);
      await app.community.updateCollection(await requireAccount(c), key, { name: body.name, public: Checkbox.parse(body.public) });
      return c.redirect(`/collections/${key}`, 303);
    });

    web.post('/collections/:key/delete', formLimit, async (c) => {
      await app.community.deleteCollection(await requireAccount(c), parseWith(CollectionKey, c.req.param('key'), 'collection'));
      return c.redirect('/collections', 303);
    });

    web.post('/collections/:key/remove', formLimit, async (c) => {
      const key = parseWith(CollectionKey, c.req.param('key'), 'collection');
      const body = await form(c);
      await app.community.removeFromCollection(await requireAccount(c), key, parseWith(PaperId, body.paperId, 'paperId'));
      return c.redirect(`/collections/${key}`, 303);
    });

    web.get('/feeds/collections/:file{[\\w-]+\\.rss}', async (c) => {
      const key = parseWith(CollectionKey, c.req.param('file').replace(/\.rss$/, ''), 'collection');
      // Feed readers have no session: only public collections have feeds.
      const { collection, papers } = await app.community.collection(key, undefined, 50);
      const url = new URL(c.req.url);
      return c.body(toRss({ title: collection.name, self: url.href, home: `${url.origin}/collections/${key}`, updated: now().toISOString(), papers }, url.origin),
        200, { 'Content-Type': 'application/rss+xml; charset=utf-8' });
    });
  };
}

/** Only a path on this site is a place to go back to (no open redirect). */
function backTo(value: unknown, fallback: string): string {
  return typeof value === 'string' && /^\/(?![/\\])[\w\-./?=&%]*$/.test(value) ? value : fallback;
}

/** Text with `*…*` spans shown emphasised; everything stays escaped. */
function Emphasis({ text }: { text: string }) {
  return <>{text.split('*').map((part, index) => (index % 2 === 1 ? <em>{part}</em> : part))}</>;
}

function FollowForm({ c, back }: { c: Context<WebEnv>; back?: string }) {
  return (
    <form method="post" action="/follows" class="follow-form">
      <Csrf c={c} />
      {back && <input type="hidden" name="back" value={back} />}
      <label>Follow <select name="kind"><option value="topic">topic</option><option value="category">category</option><option value="author">author</option></select></label>{' '}
      <label>what <input name="value" required maxlength={100} placeholder="block diffusion" /></label>{' '}
      <button type="submit">Follow</button>
      {' '}<span class="muted">Authors with namesakes? <a href="/follows/authors?name=">Choose among them</a> by searching a name.</span>
    </form>
  );
}

function CollectionForm({ c }: { c: Context<WebEnv> }) {
  return (
    <form method="post" action="/collections">
      <Csrf c={c} />
      <label>New collection <input name="name" required maxlength={100} /></label>{' '}
      <label><input type="checkbox" name="public" /> public</label>{' '}
      <button type="submit">Create</button>
    </form>
  );
}
