/**
 * Renders a real digest (outbox delivery) and photographs it in Chromium: the HTML part at
 * desktop and phone widths, and the text part through the app's outbox viewer. The pictures go
 * to test-artifacts/ for people to look at; the test checks what the browser laid out.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { simpleParser } from 'mailparser';
import { chromium } from 'playwright-core';
import { readOutbox } from '../../src/mail/outbox.js';
import { tempDir } from '../support.js';
import { addActiveSubscribers, clock, digestSite, featured, seed } from './support.js';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

test('a digest in Chromium: HTML part (desktop, phone) and text part', async () => {
  const time = clock('2026-11-28T07:00:00Z');
  const site = await digestSite({ now: time.now });
  const profile = tempDir();
  const browser = await chromium.launchPersistentContext(profile.dir, { executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
  try {
    await seed(site.app, [
      featured('2611.04512', '2026-11-27', 142, {
        title: 'Block Diffusion: Interpolating Between Autoregressive and Diffusion Language Models',
        abstract: 'Diffusion language models offer unique benefits over autoregressive models due to their potential for parallelized generation and controllability, yet they lag in likelihood modeling and are limited to fixed-length generation. In this work, we introduce a class of block diffusion language models that interpolate between discrete denoising diffusion and autoregressive models.',
        authors: [{ name: 'Marianne Arriola' }, { name: 'Aaron Gokaslan' }, { name: 'Justin T. Chiu' }, { name: 'Zhihan Yang' }, { name: 'Zhixuan Qi' }, { name: 'Jiaqi Han' }, { name: 'Subham Sekhar Sahoo' }, { name: 'Volodymyr Kuleshov' }],
        categories: ['cs.LG', 'cs.CL'], codeUrl: 'https://github.com/kuleshov-group/bd3lms',
      }),
      featured('2611.03321', '2026-11-27', 87, { title: 'Scaling Test-Time Compute with Latent Reasoning', abstract: 'We study a language model architecture that scales test-time computation by implicitly reasoning in latent space. '.repeat(3), categories: ['cs.CL'] }),
      featured('2611.02210', '2026-11-27', 35, { title: 'Gaussian Splatting for Real-Time Sensor Simulation', abstract: 'Sensor simulation is pivotal for scalable validation of autonomous driving systems. '.repeat(4), categories: ['cs.CV'] }),
    ]);
    await addActiveSubscribers(site.dbFile, 1, () => ({
      frequency: 'daily', weekday: 'monday', hour: 8, timeZone: 'Europe/Berlin', size: 10, trending: true,
      follows: [{ kind: 'topic', query: 'diffusion language models' }, { kind: 'category', category: 'cs.CL' }],
    }));
    assert.equal((await site.app.digests.run(time.now())).sent, 1);
    const [name] = readdirSync(join(site.dir, 'outbox'));
    const mail = await simpleParser(await readOutbox(join(site.dir, 'outbox'), name!));

    rmSync(ARTIFACTS, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    const page = await browser.newPage();
    for (const [label, width] of [['desktop', 1000], ['phone', 390]] as const) {
      await page.setViewportSize({ width, height: 900 });
      await page.setContent(mail.html as string, { waitUntil: 'load' });
      await page.screenshot({ path: join(ARTIFACTS, `digest-html-${label}.png`), fullPage: true });
      const titleBox = await page.getByRole('link', { name: /Block Diffusion/ }).boundingBox();
      assert.ok(titleBox && titleBox.x >= 0 && titleBox.x + titleBox.width <= width, `the top title fits the ${label} width`);
    }
    const text = await page.goto(`${site.origin}/outbox/${name}?part=text`);
    assert.equal(text!.status(), 200);
    await page.setViewportSize({ width: 800, height: 900 });
    await page.screenshot({ path: join(ARTIFACTS, 'digest-text.png'), fullPage: true });
    assert.match(await page.locator('body').innerText(), /Why: trending; matches your topic "diffusion language models"/);
    const listing = await page.goto(`${site.origin}/outbox`);
    assert.equal(listing!.status(), 200);
    assert.ok(await page.getByRole('link', { name }).isVisible());
  } finally {
    await browser.close();
    profile.cleanup();
    await site.close();
  }
});
