import assert from 'node:assert/strict';
import { test } from 'node:test';
import { browser, clock, featured, linkIn, seed, seededSiteSuite } from './support.js';

const time = clock('2026-11-28T05:00:00Z');
const env = seededSiteSuite(time);

test('subscribe → confirm → digest at the local hour → next day only new papers → one-click unsubscribe → silence', async () => {
  const visitor = browser(env.site.origin);
  await visitor.get('/');
  const answer = await visitor.post('/subscribe', { email: 'Reader@Example.ORG' });
  assert.equal(answer.status, 200);
  assert.match(answer.body, /Check your inbox/);

  // The confirmation, and nothing else until it is followed.
  const [confirmation] = await env.sink.waitFor(1);
  assert.deepEqual(confirmation!.to, ['Reader@example.org']);
  assert.equal(confirmation!.parsed!.subject, 'Confirm your paperfeed subscription');
  const confirmLink = linkIn(confirmation!.parsed!.text!, 'http://paperfeed.test/confirm/');
  assert.ok(linkIn(confirmation!.parsed!.text!, 'http://paperfeed.test/preferences/'));
  assert.deepEqual(await env.site.app.digests.run(time.now()), { due: 0, sent: 0, empty: 0, skipped: 0, retry: 0, bounced: 0, failed: 0, dryRun: false });

  const confirmPage = await visitor.get(env.site.local(confirmLink));
  assert.match(confirmPage.body, /Yes, subscribe me/);
  const confirmed = await visitor.post(env.site.local(confirmLink));
  assert.equal(confirmed.status, 200);
  assert.match(confirmed.body, /You are subscribed/);

  // Preferences: 08:00 in Berlin, trending plus a topic follow.
  const prefsLink = /href="(http:\/\/paperfeed\.test\/preferences\/[^"]+)"/.exec(confirmed.body)![1]!;
  await visitor.get(env.site.local(prefsLink));
  const saved = await visitor.post(env.site.local(prefsLink), {
    frequency: 'daily', weekday: 'monday', hour: '8', timeZone: 'Europe/Berlin', size: '5', trending: 'on', follows: 'topic: diffusion LLM\ncategory: cs.CL',
  });
  assert.equal(saved.status, 200, saved.body);
  assert.match(saved.body, /Saved/);

  // 06:59 UTC is 07:59 in Berlin: not yet. 07:00 UTC is 08:00: due.
  time.set('2026-11-28T06:59:00Z');
  assert.equal((await env.site.app.digests.run(time.now())).due, 0);
  time.set('2026-11-28T07:00:00Z');
  assert.equal((await env.site.app.digests.run(time.now())).sent, 1);
  const [, digest] = await env.sink.waitFor(2);
  const mail = digest!.parsed!;
  assert.equal(mail.subject, 'paperfeed 28 Nov 2026: Block Diffusion Language Models and 2 more');
  assert.match(mail.messageId!, /^<digest-d-2026-11-28-[\w-]+@paperfeed\.test>$/);
  assert.ok(mail.date);
  assert.deepEqual(mail.from!.value, [{ name: 'paperfeed', address: 'digest@paperfeed.test' }]);
  const list = mail.headers.get('list') as { unsubscribe: { url: string; mail: string }; 'unsubscribe-post': { name: string } };
  const unsubscribeUrl = list.unsubscribe.url;
  assert.match(unsubscribeUrl, /^http:\/\/paperfeed\.test\/unsubscribe\//);
  assert.match(list.unsubscribe.mail, /^digest@paperfeed\.test\?subject=unsubscribe%20/);
  assert.equal(list['unsubscribe-post'].name, 'List-Unsubscribe=One-Click');
  assert.equal(digest!.raw.toString().match(/^List-Unsubscribe:/gm)?.length, 1);
  // Content: order by fused rank, reasons, links, snippet; the text part says the same.
  const text = mail.text!;
  assert.match(text, /1\. Block Diffusion Language Models\n {3}Ada Lovelace\n {3}Why: trending; matches your topic "diffusion LLM" · 40 upvotes/);
  assert.match(text, /Why: trending; new in cs\.CL · 10 upvotes/);
  assert.match(text, /PDF: https:\/\/arxiv\.org\/pdf\/2611\.00001/);
  assert.match(text, /code: https:\/\/github\.com\/example\/bd/);
  assert.match(text, /paper: http:\/\/paperfeed\.test\/papers\/2611\.00001/);
  assert.ok(text.includes('…'), 'the abstract is cut to a snippet');
  assert.match(mail.html as string, /matches your topic &quot;diffusion LLM&quot;/);
  assert.match(mail.html as string, /href="https:\/\/arxiv\.org\/abs\/2611\.00002"/);

  // The same period again sends nothing.
  time.set('2026-11-28T09:00:00Z');
  assert.equal((await env.site.app.digests.run(time.now())).skipped, 1);

  // Next day: one new paper; the old ones are never repeated.
  await seed(env.site.app, [featured('2611.00004', '2026-11-28', 5, { title: 'Fresh Diffusion LLM Result' })]);
  time.set('2026-11-29T07:00:00Z');
  assert.equal((await env.site.app.digests.run(time.now())).sent, 1);
  const [, , second] = await env.sink.waitFor(3);
  assert.match(second!.parsed!.text!, /1\. Fresh Diffusion LLM Result/);
  assert.doesNotMatch(second!.parsed!.text!, /Block Diffusion|Sparse Attention|Quiet Paper/);

  // Nothing new the day after: no email.
  time.set('2026-11-30T07:00:00Z');
  assert.deepEqual((await env.site.app.digests.run(time.now())).empty, 1);

  // RFC 8058 one-click: a POST without cookies or CSRF token, as mail providers send it.
  const oneClick = await fetch(env.site.local(unsubscribeUrl), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
  assert.equal(oneClick.status, 200);
  await seed(env.site.app, [featured('2611.00005', '2026-11-30', 50, { title: 'Another Diffusion LLM' })]);
  time.set('2026-12-01T07:00:00Z');
  assert.equal((await env.site.app.digests.run(time.now())).due, 0);
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(env.sink.received.length, 3);
});
