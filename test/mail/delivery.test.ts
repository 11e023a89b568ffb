import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Preferences } from '../../src/digest/subscription.js';
import { resolveMailConfig } from '../../src/mail/config.js';
import { OutboxMailer } from '../../src/mail/outbox.js';
import { runCli } from '../support.js';
import { addActiveSubscribers, clock, digestSite, featured, seed } from '../digest/support.js';
import { startSmtpSink } from './smtp-sink.js';

test('SMTP 4xx is retried with backoff; 5xx is a hard bounce, and three in a row suspend', async () => {
  let refuse: { code: number; message: string } | undefined = { code: 451, message: 'try again later' };
  const sink = await startSmtpSink({ reply: () => refuse });
  const time = clock('2026-11-28T07:00:00Z');
  const site = await digestSite({ smtpUrl: sink.url, now: time.now });
  try {
    await seed(site.app, ['1', '2', '3', '4', '5', '6'].map((n, index) => featured(`2611.0000${n}`, '2026-11-27', 10 + index)));
    await addActiveSubscribers(site.dbFile, 1, () => ({ frequency: 'daily', weekday: 'monday', hour: 7, timeZone: 'UTC', size: 5, trending: true, follows: [] }));
    const run = async (iso: string) => { time.set(iso); return site.app.digests.run(time.now()); };

    assert.equal((await run('2026-11-28T07:00:00Z')).retry, 1);
    assert.equal((await run('2026-11-28T07:01:00Z')).skipped, 1, 'not before the backoff');
    refuse = undefined;
    assert.equal((await run('2026-11-28T07:02:00Z')).sent, 1);
    assert.equal(sink.received.length, 1);

    refuse = { code: 550, message: 'no such mailbox' };
    await seed(site.app, ['7', '8', '9'].map((n) => featured(`2611.0000${n}`, '2026-11-28', 5)));
    assert.equal((await run('2026-11-29T07:00:00Z')).bounced, 1);
    assert.equal((await run('2026-11-29T08:00:00Z')).skipped, 1, 'a bounce is not retried');
    assert.equal((await run('2026-11-30T07:00:00Z')).bounced, 1);
    assert.equal((await run('2026-12-01T07:00:00Z')).bounced, 1);
    assert.equal((await run('2026-12-02T07:00:00Z')).due, 0, 'suspended after three hard bounces');
  } finally {
    await site.close();
    await sink.close();
  }
});

test("a relay that refuses our login (535) is the relay's failure: retried, never a bounce; the right password sends", async () => {
  const sink = await startSmtpSink({ credentials: { user: 'paperfeed', pass: 'right' } });
  const time = clock('2026-11-28T07:00:00Z');
  const withPassword = (pass: string) => sink.url.replace('smtp://', `smtp://paperfeed:${pass}@`);
  const sendsWith = async (smtpUrl: string, run: (site: Awaited<ReturnType<typeof digestSite>>) => Promise<void>) => {
    const site = await digestSite({ smtpUrl, now: time.now });
    try {
      await run(site);
    } finally {
      await site.close();
    }
  };
  try {
    await sendsWith(withPassword('wrong'), async (site) => {
      await seed(site.app, ['1', '2', '3'].map((n) => featured(`2611.0000${n}`, '2026-11-27', 10)));
      await addActiveSubscribers(site.dbFile, 1, dailySubscriber);
      for (const iso of ['2026-11-28T07:00:00Z', '2026-11-28T09:00:00Z', '2026-11-28T12:00:00Z']) {
        time.set(iso);
        const summary = await site.app.digests.run(time.now());
        assert.deepEqual([summary.retry, summary.bounced], [1, 0], iso);
      }
    });
    await sendsWith(withPassword('right'), async (site) => {
      await seed(site.app, [featured('2611.00001', '2026-11-27', 10)]);
      await addActiveSubscribers(site.dbFile, 1, dailySubscriber);
      assert.equal((await site.app.digests.run(time.now())).sent, 1);
      assert.equal(sink.received.length, 1);
    });
  } finally {
    await sink.close();
  }
});

const dailySubscriber = (): Preferences => ({ frequency: 'daily', weekday: 'monday', hour: 7, timeZone: 'UTC', size: 5, trending: true, follows: [] });

test('without SMTP, digests go to the outbox once, readable with `paperfeed outbox`; the send rate holds', async () => {
  const time = clock('2026-11-28T07:00:00Z');
  const site = await digestSite({ now: time.now, rate: 20 });
  try {
    await seed(site.app, [featured('2611.00001', '2026-11-27', 10, { title: 'Evil\r\nBcc: victim@example.com title' })]);
    await addActiveSubscribers(site.dbFile, 10);
    const started = Date.now();
    assert.equal((await site.app.digests.run(time.now())).sent, 10);
    assert.ok(Date.now() - started >= 400, '10 emails at 20/s take about half a second');
    const files = readdirSync(join(site.dir, 'outbox'));
    assert.equal(files.length, 10);
    const raw = readFileSync(join(site.dir, 'outbox', files[0]!), 'utf8');
    assert.doesNotMatch(raw.split('\r\n\r\n')[0]!, /^Bcc:/im, 'a title cannot add a header');
    assert.match(raw, /^Subject: paperfeed 28 Nov 2026: Evil Bcc: victim@example\.com title\r$/m);

    // The same key again (a retry after a crash between writing and recording) writes nothing.
    const mailer = new OutboxMailer(join(site.dir, 'outbox'));
    const key = files[0]!.replace(/\.eml$/, '');
    await mailer.send({ key, from: 'a@b.example', to: 'c@d.example', subject: 'x', text: 'y', messageId: 'm@x', date: new Date() });
    assert.equal(readFileSync(join(site.dir, 'outbox', files[0]!), 'utf8'), raw);

    const listed = await runCli(['outbox', '--db', site.dbFile]);
    assert.equal(listed.code, 0);
    assert.equal(listed.out.length, 10);
    const shown = await runCli(['outbox', '--db', site.dbFile, '--show', files[0]!]);
    assert.match(shown.out[0]!, /^To: reader\d+@example\.org\nSubject: paperfeed 28 Nov 2026/);
    assert.equal((await runCli(['outbox', '--db', site.dbFile, '--show', '../paperfeed.db'])).code, 4);

    const dry = await runCli(['digest', 'run', '--db', site.dbFile, '--now', '2026-11-29T07:00:00Z', '--dry-run']);
    assert.deepEqual(JSON.parse(dry.out[0]!), { due: 10, sent: 0, empty: 10, skipped: 0, retry: 0, bounced: 0, failed: 0, dryRun: true });
    assert.equal((await runCli(['digest', 'run', '--db', site.dbFile, '--now', 'yesterday'])).code, 2);
  } finally {
    await site.close();
  }
});

test('mail settings with line breaks are refused', () => {
  assert.throws(() => resolveMailConfig({ PAPERFEED_MAIL_FROM: 'x <a@b.example>\r\nBcc: c@d.example' }, '/tmp/x.db', 8080), /PAPERFEED_MAIL_FROM/);
  assert.throws(() => resolveMailConfig({ PAPERFEED_BASE_URL: 'javascript:alert(1)' }, '/tmp/x.db', 8080), /PAPERFEED_BASE_URL/);
  assert.equal(resolveMailConfig({}, '/srv/pf/data/paperfeed.db', 8080).outboxDir, '/srv/pf/data/outbox');
});
