import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';
import { serve } from '@hono/node-server';
import { parseFeed } from '@rowanmanning/feed-parser';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { digestWebOptions } from '../../src/web/digest-routes.js';
import { tempDir } from '../support.js';
import { webFixture } from './support.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = new URL('../../test-artifacts/web/', import.meta.url);
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let fx: Awaited<ReturnType<typeof webFixture>>;
let server: ReturnType<typeof serve>;
let base: string;
let browser: BrowserContext;
let profile: ReturnType<typeof tempDir>;
/** Console errors and uncaught page errors (a CSP violation shows up here too). */
const problems: string[] = [];

before(async () => {
  // A missing browser is a failure, not a skip: these tests are the only check of the real pages.
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y --no-install-recommends chromium`);
  // The site as `paperfeed serve` composes it, digest pages included.
  fx = await webFixture((app) => digestWebOptions(app, { now: () => new Date() }));
  server = serve({ fetch: fx.web.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  profile = tempDir();
  browser = await chromium.launchPersistentContext(profile.dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1100, height: 900 },
  });
  mkdirSync(ARTIFACTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  profile?.cleanup();
  fx?.cleanup();
});

async function open(path: string): Promise<Page> {
  const page = browser.pages()[0] ?? (await browser.newPage());
  if (!(page as Page & { watched?: boolean }).watched) {
    page.on('console', (message) => { if (message.type() === 'error') problems.push(`${page.url()}: ${message.text()}`); });
    page.on('pageerror', (error) => problems.push(`${page.url()}: ${error.message}`));
    (page as Page & { watched?: boolean }).watched = true;
  }
  if (path) await page.goto(`${base}${path}`);
  return page;
}

/** Runs axe-core in the page; page.evaluate is not subject to the page's CSP. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const result = await (globalThis as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe.run();
    return result.violations.map((violation) => ({ id: violation.id, impact: violation.impact, targets: violation.nodes.map((node) => node.target.join(' ')) }));
  });
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical').map((violation) => `${violation.id} (${violation.impact}): ${violation.targets.join(', ')}`);
}

test('a reader goes home → search → paper → similar paper → author → feed, with no console errors', async () => {
  const page = await open('/');
  await assertVisible(page, 'h1', 'Trending papers');
  await page.getByRole('link', { name: 'This week' }).click();
  await page.waitForURL(/window=week/);
  await page.getByRole('searchbox', { name: 'Search papers' }).fill('block diffusion');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/search\?q=block\+diffusion/);
  assert.ok(await page.locator('mark').count() > 0, 'matches are highlighted');
  await page.getByRole('link', { name: 'Block Diffusion for Reasoning Agents' }).first().click();
  await page.waitForURL(/\/papers\/2509\.00002$/);
  const similar = page.locator('section[aria-labelledby="similar-title"] h3 a').first();
  const similarTitle = (await similar.textContent())!;
  await similar.click();
  await page.waitForURL((url) => /\/papers\//.test(url.pathname) && !url.pathname.endsWith('2509.00002'));
  await assertVisible(page, 'h1', similarTitle.trim().slice(0, 20));
  await page.locator('ul.author-list a').first().click();
  await page.waitForURL(/\/authors\//);
  const feedLink = page.getByRole('link', { name: 'RSS' });
  const href = await feedLink.getAttribute('href');
  assert.match(href!, /^\/feeds\/author\.rss\?name=/);
  const [response] = await Promise.all([
    page.waitForResponse((candidate) => candidate.url().includes('/feeds/author.rss')),
    feedLink.click().catch(() => undefined), // Chromium may treat the feed as a download.
  ]);
  const feed = parseFeed(await response.text());
  assert.ok(feed.items.length > 0);
  assert.deepEqual(problems, []);
});

test('the page is usable from the keyboard: the first Tab reaches "Skip to content"', async () => {
  const page = await open('/');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content');
  await page.keyboard.press('Enter');
  assert.match(page.url(), /#main$/);
});

test('the subscribe box posts with its CSRF token to the digest subsystem', async () => {
  const page = await open('/');
  await page.getByLabel('Email address').fill('reader@example.org');
  const [response] = await Promise.all([page.waitForResponse((candidate) => candidate.url().endsWith('/subscribe')), page.getByRole('button', { name: 'Subscribe' }).click()]);
  // 403 would mean the token was refused.
  assert.equal(response.status(), 200);
  await assertVisible(page, 'h1', 'Check your inbox');
  assert.deepEqual(problems, []);
});

const PAGE_TYPES: [string, string][] = [
  ['home', '/'],
  ['daily', '/papers/date/2025-09-03'],
  ['search', '/search?q=diffusion'],
  ['paper', '/papers/2509.00001'],
  ['author', '/authors/Wenfeng%20Feng'],
  ['categories', '/categories'],
  ['category', '/categories/math.CO'],
  ['api-docs', '/api/docs'],
  ['trending-docs', '/about/trending'],
];

for (const [name, path] of PAGE_TYPES) {
  test(`${name}: no serious or critical axe violations, light and dark; screenshots`, async () => {
    const page = await open('');
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      await page.goto(`${base}${path}`);
      assert.deepEqual(await seriousViolations(page), [], `${name} (${colorScheme})`);
      await page.screenshot({ path: new URL(`${name}-${colorScheme}.png`, ARTIFACTS).pathname, fullPage: true });
    }
    await page.emulateMedia({ colorScheme: 'light' });
    assert.deepEqual(problems, []);
  });
}

test('narrow screens: the layout reflows without horizontal scrolling', async () => {
  const page = await open('');
  await page.setViewportSize({ width: 360, height: 740 });
  for (const path of ['/', '/papers/2509.00001']) {
    await page.goto(`${base}${path}`);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), path);
  }
  await page.screenshot({ path: new URL('paper-narrow.png', ARTIFACTS).pathname, fullPage: true });
  await page.setViewportSize({ width: 1100, height: 900 });
});

async function assertVisible(page: Page, selector: string, text: string) {
  const element = page.locator(selector).first();
  assert.ok(await element.isVisible(), selector);
  assert.ok((await element.textContent())!.includes(text), `${selector} has "${text}": ${await element.textContent()}`);
}
