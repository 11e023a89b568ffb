import assert from 'node:assert/strict';
import { test } from 'node:test';
import { browser, clock, linkIn, seededSiteSuite } from '../digest/support.js';
import { trending } from '../../src/trending/trending.js';
import { MAX_FOLLOWS } from '../../src/follows/follow.js';

const time = clock('2026-11-28T05:00:00Z');
const env = seededSiteSuite(time);

/** Asks for a sign-in link as `client` and returns the link from the mail the SMTP peer got. */
async function requestLink(client: ReturnType<typeof browser>, email: string): Promise<string> {
  const before = env.sink.received.length;
  await client.get('/signin');
  const answer = await client.post('/signin', { email });
  assert.equal(answer.status, 200);
  const mails = await env.sink.waitFor(before + 1);
  return env.site.local(linkIn(mails.at(-1)!.parsed!.text!, 'http://paperfeed.test/signin/'));
}

async function signedIn(email: string) {
  const client = browser(env.site.origin);
  const link = await requestLink(client, email);
  await client.get(link);
  const done = await client.post(link);
  assert.equal(done.status, 303);
  assert.equal(done.headers.get('location'), '/for-you');
  return client;
}

test('a magic link signs in once, sets a signed HttpOnly SameSite=Lax cookie, and cannot be reused', async () => {
  const client = browser(env.site.origin);
  const link = await requestLink(client, 'ada@example.org');
  const page = await client.get(link);
  assert.match(page.body, /Sign in to paperfeed/);
  assert.equal(client.jar.has('pf_session'), false, 'a GET never signs in');
  const done = await client.post(link);
  assert.equal(done.status, 303);
  const cookie = done.headers.getSetCookie().find((set) => set.startsWith('pf_session='))!;
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Lax/);
  assert.match((await client.get('/account')).body, /Signed in as ada@example\.org/);
  const again = await browser(env.site.origin).request('GET', link).then(async () => {
    const other = browser(env.site.origin);
    await other.get(link);
    return other.post(link);
  });
  assert.equal(again.status, 401);
  assert.match(again.body, /already used/);
});

test('an expired magic link is refused', async () => {
  const client = browser(env.site.origin);
  const link = await requestLink(client, 'late@example.org');
  await client.get(link);
  time.set('2026-11-28T05:16:00Z');
  const answer = await client.post(link);
  time.set('2026-11-28T05:00:00Z');
  assert.equal(answer.status, 401);
  assert.match(answer.body, /expired/);
});

test('session fixation: a session id planted before sign-in is replaced and ended', async () => {
  const attacker = await signedIn('mallory@example.org');
  const planted = attacker.jar.get('pf_session')!;
  const victim = browser(env.site.origin);
  victim.jar.set('pf_session', planted);
  const link = await requestLink(victim, 'victim@example.org');
  await victim.get(link);
  await victim.post(link);
  assert.notEqual(victim.jar.get('pf_session'), planted);
  assert.match((await victim.get('/account')).body, /victim@example\.org/);
  // The planted session ended with the sign-in: it signs no one in now.
  assert.equal((await attacker.get('/api/v1/for-you')).status, 401);
});

test('upvotes: one per account, undoable, counted in trending; unknown papers 404; no CSRF 403', async () => {
  const client = await signedIn('voter@example.org');
  await client.get('/for-you');
  const headers = { 'x-csrf-token': client.csrf() };
  const first = await client.request('POST', '/api/v1/papers/2611.00002/vote', undefined, headers);
  assert.equal(first.status, 200, first.body);
  assert.deepEqual(JSON.parse(first.body), { voted: true, votes: 1 });
  const second = await client.request('POST', '/api/v1/papers/2611.00002/vote', undefined, headers);
  assert.deepEqual(JSON.parse(second.body), { voted: true, votes: 1 }, 'a double vote counts once');
  const week = await trending(env.site.app.trendingStore, 'week', time.now(), 10);
  assert.equal(week.items.find((item) => item.paperId === '2611.00002')!.breakdown.ourVotes, 1);

  const unknown = await client.request('POST', '/api/v1/papers/2611.99999/vote', undefined, headers);
  assert.equal(unknown.status, 404);
  assert.equal(JSON.parse(unknown.body).error.code, 'not_found');

  const forged = await client.request('POST', '/api/v1/papers/2611.00001/vote');
  assert.equal(forged.status, 403);
  const forgedForm = await fetch(`${env.site.origin}/papers/2611.00001/vote`, { method: 'POST', headers: { cookie: `pf_session=${client.jar.get('pf_session')}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'back=/' });
  assert.equal(forgedForm.status, 403);

  const undone = await client.request('DELETE', '/api/v1/papers/2611.00002/vote', undefined, headers);
  assert.deepEqual(JSON.parse(undone.body), { voted: false, votes: 0 });
  const after = await trending(env.site.app.trendingStore, 'week', time.now(), 10);
  assert.equal(after.items.find((item) => item.paperId === '2611.00002')!.breakdown.ourVotes, 0, 'an undone vote no longer counts');
});

test('follows are capped per account, and topic queries are capped in length', async () => {
  const client = await signedIn('spammer@example.org');
  await client.get('/account');
  for (let i = 0; i < MAX_FOLLOWS; i++) {
    assert.equal((await client.post('/follows', { kind: 'topic', value: `topic number ${i}` })).status, 303);
  }
  const spam = await client.post('/follows', { kind: 'topic', value: 'one too many' });
  assert.equal(spam.status, 409);
  assert.match(spam.body, /20 things already/);

  const other = await signedIn('longwinded@example.org');
  await other.get('/account');
  const long = await other.post('/follows', { kind: 'topic', value: 'diffusion '.repeat(20) });
  assert.equal(long.status, 400);
  assert.match(long.body, /100/);
  const huge = await other.post('/follows', { kind: 'topic', value: 'x'.repeat(20_000) });
  assert.equal(huge.status, 400);
});

test('For you ranks followed and similar papers with a reason, in the API and the RSS feed; "not interested" removes one', async () => {
  const client = await signedIn('reader@example.org');
  assert.deepEqual(JSON.parse((await client.get('/api/v1/for-you')).body).items, []);
  await client.get('/account');
  assert.equal((await client.post('/follows', { kind: 'topic', value: 'diffusion LLM' })).status, 303);
  const api = JSON.parse((await client.get('/api/v1/for-you')).body) as { items: { id: string; reason: string }[] };
  assert.deepEqual(api.items.map((item) => item.id).sort(), ['2611.00001', '2611.00003']);
  assert.equal(api.items[0]!.reason, 'because you follow *diffusion LLM*');
  const page = await client.get('/for-you');
  assert.match(page.body, /because you follow <em>diffusion LLM<\/em>/);

  const feedPath = /href="(\/feeds\/for-you\/[^"]+\.rss)"/.exec((await client.get('/account')).body)![1]!;
  const feed = await fetch(`${env.site.origin}${feedPath}`);
  assert.equal(feed.status, 200);
  assert.match(await feed.text(), /Block Diffusion Language Models/);
  assert.equal((await fetch(`${env.site.origin}/feeds/for-you/feed.1.abc.forged.rss`)).status, 404);

  await client.get('/for-you');
  const marked = await client.post('/papers/2611.00003/not-interested', { back: '/for-you' });
  assert.equal(marked.status, 303, marked.body);
  const left = JSON.parse((await client.get('/api/v1/for-you')).body) as { items: { id: string }[] };
  assert.deepEqual(left.items.map((item) => item.id), ['2611.00001']);
});

test('a digest subscriber who signs in becomes the same person: linked, with their follows', async () => {
  const visitor = browser(env.site.origin);
  await visitor.get('/');
  const before = env.sink.received.length;
  await visitor.post('/subscribe', { email: 'both@example.org' });
  const [confirmation] = (await env.sink.waitFor(before + 1)).slice(-1);
  const prefsLink = env.site.local(linkIn(confirmation!.parsed!.text!, 'http://paperfeed.test/preferences/'));
  await visitor.get(prefsLink);
  await visitor.post(prefsLink, { frequency: 'daily', weekday: 'monday', hour: '7', timeZone: 'UTC', size: '10', trending: 'on', follows: 'category: cs.CL' });
  const client = await signedIn('both@example.org');
  const account = await client.get('/account');
  assert.match(account.body, /category: cs\.CL/);
  assert.match(account.body, /Your digest subscription is pending/);
});

test('collections: private to their owner, public ones have a page and a feed', async () => {
  const owner = await signedIn('curator@example.org');
  await owner.get('/collections');
  const created = await owner.post('/collections', { name: 'Diffusion reading list' });
  assert.equal(created.status, 303);
  const path = created.headers.get('location')!;
  const key = path.split('/').pop()!;
  await owner.get(path);
  assert.equal((await owner.post('/papers/2611.00001/save', { collection: key, back: path })).status, 303);
  assert.match((await owner.get(path)).body, /Block Diffusion Language Models/);
  assert.equal((await browser(env.site.origin).get(path)).status, 404, 'private');
  assert.equal((await fetch(`${env.site.origin}/feeds/collections/${key}.rss`)).status, 404);

  await owner.get(path);
  await owner.post(path, { name: 'Diffusion reading list', public: 'on' });
  assert.equal((await browser(env.site.origin).get(path)).status, 200);
  const feed = await fetch(`${env.site.origin}/feeds/collections/${key}.rss`);
  assert.match(await feed.text(), /Block Diffusion Language Models/);

  const stranger = await signedIn('stranger@example.org');
  await stranger.get('/for-you');
  assert.equal((await stranger.post(`/collections/${key}/delete`)).status, 404, 'only the owner changes a collection');
});
