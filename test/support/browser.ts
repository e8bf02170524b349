// Debian's Chromium driven by playwright-core, for the page specs (test/e2e/*.browser.spec.ts):
// the flags it needs here, and one browser session per suite - the test system and Chromium
// started before the suite and closed after it, pages in their own contexts whose errors are
// collected, screenshots under test-output/, and a screenshot of every open page when a test fails.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { serviceUrl } from './services.js';
import type { Backend, TestSystem } from './system.js';
import { embedded, startTestSystem } from './system.js';

/** The flags this machine's Chromium needs headless, as root, with no network beyond localhost. */
export const chromiumArgs = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** How long a page waits for what it should show (a limit, not a timing the tests assert). */
export const WAIT_MS = 30_000;

/** Launches Chromium at `executablePath` headless with `chromiumArgs`. */
export const launchChromium = (executablePath: string): Promise<Browser> =>
  chromium.launch({ executablePath, args: chromiumArgs, headless: true, timeout: 60_000 });

/** Waits until `selector` on `page` shows `expected`. */
export const text = (page: Page, selector: string, expected: string | RegExp, timeout = WAIT_MS): Promise<void> =>
  page.locator(selector, { hasText: expected }).waitFor({ timeout });

/** Signs `page` in as `who` with a development token, through the account menu's Developer disclosure. */
export const signInWithToken = async (page: Page, who: string, token: string): Promise<void> => {
  await page.getByText('Sign in or create an account').click();
  await page.getByText('Developer', { exact: true }).click();
  await page.getByLabel('Bearer token (from npm run token)').fill(token);
  await page.getByRole('button', { name: 'Use token' }).click();
  await text(page, '#signed-in', `Signed in as ${who}`);
};

/** What a page spec's suite works with; `sys` and `browser` are set once the suite's `before` has run. */
export interface BrowserSession {
  readonly sys: TestSystem;
  readonly browser: Browser;
  /** Page errors and Content Security Policy complaints of every page opened, prefixed by whose page: a spec ends asserting none. */
  readonly problems: string[];
  /** The folder the screenshots go to: test-output/<folder>/<embedded|services>. */
  readonly shots: string;
  /** A page for `who` in a context of its own (en-US, UTC, WAIT_MS by default), closed after the suite. */
  open(who: string): Promise<Page>;
  /** A full-page screenshot of `page` as <name>.png in `shots`. */
  shot(page: Page, name: string): Promise<Buffer>;
}

export interface BrowserSessionOptions {
  /** What the suite tests, for the skip message when CHROMIUM_PATH is unset. */
  readonly what: string;
  /** The folder under test-output/ for the screenshots. */
  readonly folder: string;
  /** Extra environment for the system (over the development secret and no ending-soon notices). */
  readonly env?: Record<string, string>;
}

/**
 * Registers the suite's hooks: before, the test system on `backend()` (with the development
 * secret, so the page's development sign-in works and `sys.token` signs with it, and no
 * ending-soon notices, so the trays hold what the test causes) and Chromium; after each failed
 * test, a screenshot of every open page; after, every context, the browser and the system closed.
 * Call it inside the suite (a `describe` body, or `embeddedAndServices`'s).
 */
export const browserSession = (backend: () => Backend, options: BrowserSessionOptions): BrowserSession => {
  let sys: TestSystem | undefined;
  let browser: Browser | undefined;
  let shots = '';
  const contexts: BrowserContext[] = [];
  const pages: [string, Page][] = [];
  const problems: string[] = [];

  before(async function () {
    this.timeout(Math.max(this.timeout(), 120_000));
    const executablePath = serviceUrl(this, 'CHROMIUM_PATH', options.what);
    shots = join(process.cwd(), 'test-output', options.folder, backend() === embedded ? 'embedded' : 'services');
    mkdirSync(shots, { recursive: true });
    sys = await startTestSystem(backend(), { env: { AUTH_JWT_SECRET: '', NOTIFY_ENDING_SOON_SECONDS: '0', ...options.env } });
    browser = await launchChromium(executablePath);
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    const name = (this.currentTest.title.split(/[;:,]/)[0] ?? 'failed').replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
    for (const [who, page] of pages) {
      if (!page.isClosed()) await session.shot(page, `failed-${name}-${who}`).catch(() => undefined);
    }
  });

  after(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await sys?.stop();
  });

  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the browser session's ${what} is not started (use it from a test or a later hook)`);
    return value;
  };

  const session: BrowserSession = {
    get sys() { return started(sys, 'test system'); },
    get browser() { return started(browser, 'browser'); },
    problems,
    get shots() { return shots; },
    open: async (who) => {
      const context = await session.browser.newContext({ locale: 'en-US', timezoneId: 'UTC' });
      context.setDefaultTimeout(WAIT_MS);
      contexts.push(context);
      const page = await context.newPage();
      pages.push([who, page]);
      page.on('pageerror', (error) => problems.push(`${who}: page error: ${error.message}`));
      page.on('console', (message) => {
        const said = message.text();
        if (/Content Security Policy|TrustedHTML|Trusted Type/i.test(said)) problems.push(`${who}: ${said}`);
      });
      return page;
    },
    shot: (page, name) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true }),
  };
  return session;
};
