import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { App } from '../../src/app.js';
import { startSmtpSink, type SmtpSink } from '../mail/smtp-sink.js';
import { browser, clock, digestSite, linkIn } from './support.js';

let sink: SmtpSink;
let site: Awaited<ReturnType<typeof digestSite>>;
const time = clock('2026-11-28T05:00:00Z');
const generous = (app: App, scope: string) => app.rateLimiter(scope, { perMinute: 1000, burst: 1000 });

before(async () => {
  sink = await startSmtpSink();
  site = await digestSite({ smtpUrl: sink.url, now: time.now, routes: (app) => ({ perClient: generous(app, 'test-client'), perAddress: generous(app, 'test-address') }) });
});

after(async () => {
  await site.close();
  await sink.close();
});

const withoutCsrf = (body: string) => body.replace(/value="[\w-]+"/g, '');

test('bad addresses are refused with a 400 page, never a 500; IDN domains are sent to in punycode', async () => {
  const visitor = browser(site.origin);
  await visitor.get('/');
  for (const email of [
    `${'a'.repeat(65)}@example.org`, `${'a'.repeat(60)}@${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.example.org`,
    'garbage', 'a@b', 'a@@example.org', 'a b@example.org', 'jösé@example.org', 'x@example.org\r\nBcc: victim@example.com', '',
  ]) {
    const answer = await visitor.post('/subscribe', { email });
    assert.equal(answer.status, 400, `${email}: ${answer.status}`);
    assert.match(answer.body, /not an email address|at most 254/);
  }
  const idn = await visitor.post('/subscribe', { email: 'leser@bücher.example' });
  assert.equal(idn.status, 200);
  const [mail] = await sink.waitFor(1);
  // smtp-server shows the envelope in Unicode; what we sent is the ASCII form.
  assert.match(mail!.raw.toString(), /^To: leser@xn--bcher-kva\.example\r?$/m);
});

test('oversized forms are refused before they are read', async () => {
  const visitor = browser(site.origin);
  await visitor.get('/');
  const answer = await visitor.post('/subscribe', { email: 'big@example.org', padding: 'x'.repeat(20_000) });
  assert.equal(answer.status, 400);
  assert.match(answer.body, /too large/);
});

test('known and unknown addresses get the same answer; one notice per address per 10 minutes', async () => {
  const visitor = browser(site.origin);
  await visitor.get('/');
  const before = sink.received.length;
  const first = await visitor.post('/subscribe', { email: 'same@example.org' });
  const second = await visitor.post('/subscribe', { email: 'same@example.org' });
  assert.equal(first.status, second.status);
  assert.equal(withoutCsrf(first.body), withoutCsrf(second.body));
  await sink.waitFor(before + 1);
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(sink.received.length, before + 1, 'the second request sent nothing');
});

test('links are signed: a tampered or expired link is refused; export, then delete, own data', async () => {
  const visitor = browser(site.origin);
  await visitor.get('/');
  const before = sink.received.length;
  await visitor.post('/subscribe', { email: 'owner@example.org' });
  const [, ...rest] = await sink.waitFor(before + 1);
  const text = rest.at(-1)!.parsed!.text!;
  const confirm = site.local(linkIn(text, 'http://paperfeed.test/confirm/'));
  const prefs = site.local(linkIn(text, 'http://paperfeed.test/preferences/'));

  const tampered = await visitor.get(`${confirm.slice(0, -3)}abc`);
  assert.equal(tampered.status, 401);
  assert.equal((await visitor.get(prefs.replace('/preferences/manage.', '/preferences/confirm.'))).status, 401);
  time.set('2026-12-01T05:00:00Z');
  assert.equal((await visitor.post(confirm)).status, 401, 'confirmation links expire after 48 hours');
  time.set('2026-11-28T05:00:00Z');

  const exported = await fetch(`${prefs}/export`);
  assert.equal(exported.status, 200);
  const data = await exported.json() as { email: string; status: string; preferences: { frequency: string } };
  assert.equal(data.email, 'owner@example.org');
  assert.equal(data.status, 'pending');
  assert.equal(data.preferences.frequency, 'daily');

  await visitor.get(prefs);
  const deleted = await visitor.post(`${prefs}/delete`);
  assert.equal(deleted.status, 200);
  assert.equal((await visitor.get(prefs)).status, 401);
  assert.equal((await site.app.digests.run(time.now())).due, 0);
});

test('invalid preferences are explained, not stored', async () => {
  const visitor = browser(site.origin);
  await visitor.get('/');
  const before = sink.received.length;
  await visitor.post('/subscribe', { email: 'prefs@example.org' });
  const received = await sink.waitFor(before + 1);
  const prefs = site.local(linkIn(received.at(-1)!.parsed!.text!, 'http://paperfeed.test/preferences/'));
  await visitor.get(prefs);
  for (const [field, value] of [['size', '500'], ['timeZone', 'Mars/Olympus'], ['hour', '24'], ['follows', 'category: not a category!']]) {
    const form = { frequency: 'daily', weekday: 'monday', hour: '7', timeZone: 'UTC', size: '10', trending: 'on', follows: '', [field!]: value! };
    const answer = await visitor.post(prefs, form);
    assert.equal(answer.status, 400, `${field}=${value}`);
  }
  const data = await (await fetch(`${prefs}/export`)).json() as { preferences: { size: number } };
  assert.equal(data.preferences.size, 10);
});

test('subscribing is rate-limited per client address and per email address', async () => {
  const limited = await digestSite({ now: time.now });
  try {
    const visitor = browser(limited.origin);
    await visitor.get('/');
    const statuses = [];
    for (let index = 0; index < 4; index++) statuses.push((await visitor.post('/subscribe', { email: 'one@example.org' })).status);
    assert.deepEqual(statuses, [200, 200, 200, 429], 'three per address');
    statuses.length = 0;
    for (let index = 0; index < 2; index++) statuses.push((await visitor.post('/subscribe', { email: `other${index}@example.org` })).status);
    assert.deepEqual(statuses, [200, 429], 'five per client address');
  } finally {
    await limited.close();
  }
});
