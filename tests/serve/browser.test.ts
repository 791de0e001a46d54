/**
 * The status page in a real browser: Debian's chromium driven by
 * playwright-core (never a downloaded browser), at phone size, against a
 * daemon that has run a cycle over the fixture sources. Saves a screenshot.
 * Chromium is found through PATH or INFRAWIRE_CHROMIUM; without it the test
 * skips, naming the package (not under CI=true: tests/helpers/tools.ts).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startDaemon, type Daemon } from '../../src/schedule/index.js';
import { startFixtureServer, tempDir, testConfig } from '../helpers/env.js';
import { chromiumPath, needs } from '../helpers/tools.js';

const chromiumTool = needs('chromium');
export const SCREENSHOT_DIR = join(tmpdir(), 'infrawire-screenshots');
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

chromiumTool.describe('status page in headless Chromium', () => {
  let fixtures: Awaited<ReturnType<typeof startFixtureServer>>;
  let tmp: ReturnType<typeof tempDir>;
  let daemon: Daemon;
  let browser: BrowserContext;
  let profile: string;

  beforeAll(async () => {
    fixtures = await startFixtureServer();
    tmp = tempDir();
    const config = testConfig(tmp.dir, fixtures.url, undefined, { server: { host: '127.0.0.1', port: 0 }, schedule: '0 0 1 1 *' });
    daemon = await startDaemon(config, quiet);
    await daemon.idle();
    profile = mkdtempSync(join(tmpdir(), 'infrawire-chromium-'));
    // A fresh profile per run; playwright passes it as --user-data-dir.
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath()!,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
      timeout: 60_000,
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
    });
  });
  afterAll(async () => {
    await browser?.close();
    await daemon?.stop();
    await fixtures?.stop();
    tmp?.cleanup();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('shows the feeds and the source table at phone width, with working links', async () => {
    const page = await browser.newPage();
    try {
      const response = await page.goto(`${daemon.url}/`, { timeout: 30_000 });
      expect(response?.status()).toBe(200);
      expect(await page.title()).toBe('infrawire');

      const discovery = await page.$$eval('link[rel="alternate"]', (ls) => ls.map((l) => l.getAttribute('type')));
      expect(discovery).toEqual(['application/atom+xml', 'application/rss+xml', 'application/feed+json']);

      const rows = await page.$$eval('#sources tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim())));
      expect(rows).toHaveLength(7);
      const health = Object.fromEntries(rows.map((r) => [r[1], r[0]]));
      expect(health).toMatchObject({ 'DC Wire': 'ok', 'GPU Cloud Report': 'ok', 'Broken Server': 'failing', 'Newsroom Page': 'failing' });

      // Phone layout: each source is a card (no horizontal scrolling), cells labelled.
      const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(scrollWidth).toBeLessThanOrEqual(390);
      const label = await page.$eval('#sources tbody td[data-label="Last error"]', (td) => getComputedStyle(td, '::before').content);
      expect(label).toContain('Last error');

      // The Atom subscribe link opens the published feed.
      const atomHref = await page.$eval('a.sub[type="application/atom+xml"]', (a) => a.getAttribute('href'));
      expect(atomHref).toBe('http://127.0.0.1:8080/feeds/ai-infrastructure.atom');
      const feed = await page.request.get(`${daemon.url}/feeds/ai-infrastructure.atom`);
      expect(feed.status()).toBe(200);
      expect(await feed.text()).toContain('<feed xmlns="http://www.w3.org/2005/Atom">');

      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      const shot = join(SCREENSHOT_DIR, 'status-page-phone.png');
      await page.screenshot({ path: shot, fullPage: true });
      expect(existsSync(shot)).toBe(true);
    } finally {
      await page.close();
    }
  });
});
