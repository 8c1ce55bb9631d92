// Debian's Chromium driven by playwright-core, for tests of the setup page: a fresh browser context per page (no
// cookies shared), phone and desktop sizes, every console error, uncaught exception and CSP violation collected,
// screenshots saved under docs/setup/, and everything closed in a finally whatever the test did. The page's clock
// shows one fixed moment (timers still run) in UTC, so the screenshots do not change from run to run.

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { ROOT } from './processes.js';

export const CHROMIUM = '/usr/bin/chromium';
/**
 * Where the screenshots go: docs/setup/ when they are to be updated (make screenshots), else a temp dir removed at
 * exit, so that make test takes them (and fails if it cannot) but leaves the work tree as it was.
 */
export const SCREENSHOTS = process.env.MASQ_UPDATE_SCREENSHOTS === '1' ? join(ROOT, 'docs', 'setup') : mkdtempSync(join(tmpdir(), 'masq-screenshots-'));
if (!SCREENSHOTS.startsWith(ROOT)) process.on('exit', () => rmSync(SCREENSHOTS, { recursive: true, force: true }));

export const SIZES = {
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
  desktop: { viewport: { width: 1280, height: 800 }, isMobile: false, hasTouch: false },
} as const;
export type Size = keyof typeof SIZES;

/** What Date.now() says in the page. */
export const PAGE_TIME = new Date('2025-06-01T12:00:30Z');

/** An API answer with an error status is the page's business (it shows it); Chromium still logs it as an error. */
const HTTP_STATUS = /^Failed to load resource: the server responded with a status of \d+/;

export interface CheckedPage {
  page: Page;
  size: Size;
  /** Console errors, uncaught exceptions and CSP violations so far. */
  problems(): string[];
  /** Saves a screenshot of the whole page, or of one part of it, as docs/setup/<name>-<size>.png (the name may hold a folder). */
  screenshot(name: string, of?: Locator): Promise<void>;
}

export interface BrowserSession {
  open(size: Size, url: string): Promise<CheckedPage>;
}

async function openPage(browser: Browser, contexts: BrowserContext[], size: Size, url: string): Promise<CheckedPage> {
  const context = await browser.newContext({ ...SIZES[size], acceptDownloads: true, timezoneId: 'UTC', locale: 'en-US' });
  contexts.push(context);
  const page = await context.newPage();
  await page.clock.setFixedTime(PAGE_TIME);
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    // An error status from the page's own API is expected when a test makes the box refuse something.
    if (HTTP_STATUS.test(m.text()) && new URL(m.location().url || url).pathname.startsWith('/api/')) return;
    problems.push(`console: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  await page.exposeFunction('__reportCsp', (what: string) => problems.push(`CSP violation: ${what}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __reportCsp(s: string): void }).__reportCsp(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  await page.goto(url);
  return {
    page,
    size,
    problems: () => [...problems],
    screenshot: async (name, of) => {
      const path = join(SCREENSHOTS, `${name}-${size}.png`);
      mkdirSync(dirname(path), { recursive: true });
      // Let transitions and the last redraw settle.
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      if (of) await of.screenshot({ path });
      else await page.screenshot({ path, fullPage: true });
    },
  };
}

/**
 * Runs `f` with a Chromium that is closed afterwards, even when `f` throws. `executablePath` may be a wrapper that
 * starts Debian's Chromium elsewhere (inside a test LAN's namespace): playwright talks to it over a pipe, not TCP.
 */
export async function withBrowser<T>(f: (session: BrowserSession) => Promise<T>, executablePath = CHROMIUM): Promise<T> {
  const browser = await chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const contexts: BrowserContext[] = [];
  try {
    return await f({ open: (size, url) => openPage(browser, contexts, size, url) });
  } finally {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser.close();
  }
}
