import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { chromium, type BrowserContext } from 'playwright-core';
import { startSmtpSink, type SmtpSink } from '../mail/smtp-sink.js';
import { clock, diffusionPapers, digestSite, linkIn, seed } from '../digest/support.js';
import { tempDir } from '../support.js';

const CHROMIUM = '/usr/bin/chromium';
let sink: SmtpSink;
let site: Awaited<ReturnType<typeof digestSite>>;
let browser: BrowserContext;
let profile: ReturnType<typeof tempDir>;
const time = clock('2026-11-28T05:00:00Z');

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y --no-install-recommends chromium`);
  sink = await startSmtpSink();
  site = await digestSite({ smtpUrl: sink.url, now: time.now });
  await seed(site.app, diffusionPapers());
  profile = tempDir();
  browser = await chromium.launchPersistentContext(profile.dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  profile?.cleanup();
  await site?.close();
  await sink?.close();
});

test('sign in by the emailed link, upvote, follow a topic, and see For you change with its reason', async () => {
  const page = browser.pages()[0] ?? (await browser.newPage());
  await page.goto(`${site.origin}/signin`);
  await page.fill('#signin-email', 'ada@example.org');
  await page.click('button:has-text("Email me a sign-in link")');
  await page.waitForSelector('text=Check your inbox');
  const [mail] = await sink.waitFor(1);
  assert.equal(mail!.parsed!.subject, 'Sign in to paperfeed');
  await page.goto(site.local(linkIn(mail!.parsed!.text!, 'http://paperfeed.test/signin/')));
  await page.click('button:has-text("Sign in")');
  await page.waitForURL(`${site.origin}/for-you`);
  assert.match(await page.textContent('main') ?? '', /Nothing yet/);

  await page.goto(`${site.origin}/papers/2611.00001`);
  await page.click('button:has-text("Upvote")');
  await page.waitForURL(`${site.origin}/papers/2611.00001`);
  await page.goto(`${site.origin}/account`);
  assert.match(await page.textContent('main') ?? '', /2611\.00001/, 'the upvote is listed');

  await page.goto(`${site.origin}/for-you`);
  await page.fill('input[name="value"]', 'diffusion LLM');
  await page.click('.follow-form button[type="submit"]');
  await page.waitForURL(`${site.origin}/for-you`);
  const items = await page.locator('ol.for-you > li').allTextContents();
  assert.equal(items.length, 1, 'the upvoted paper is not recommended again');
  assert.match(items[0]!, /A Quiet Paper on Diffusion LLM Sampling/);
  assert.match(items[0]!, /because you follow diffusion LLM/);
  assert.equal(await page.locator('ol.for-you .reason em').first().textContent(), 'diffusion LLM');
});
