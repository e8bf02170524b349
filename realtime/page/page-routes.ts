// The live bidding page's HTTP side: the static page at `/` (plain HTML, CSS and ES modules from
// realtime/page/public/, no build step, and Chart.js from its installed package for the analytics view), `GET /config.json` (where the realtime server listens,
// whether development sign-in works, the currencies' exponents) and `POST /dev/token`, which mints
// a token only while the server signs with the development secret (a secret anyone can read in the
// source, so the endpoint gives away nothing that `npm run token` does not).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';
import type { Response } from 'express';
import { currencyExponents } from '../../domain/index.js';
import type { Config } from '../../infra/index.js';
import { ApiError, decodeRequest, mintToken } from '../../infra/index.js';
import { DEV_TOKEN_TTL_SECONDS, DevTokenBody } from './page-contract.js';
import type { DevTokenResponse, PageConfig } from './page-contract.js';

/** Where the realtime server serves WebSockets (DESIGN.md section 6). */
const WEBSOCKET_PATH = '/v1/realtime';

/** The page's files in the source tree (served as they are; the compiled router sits in dist/realtime/page/). */
export const pagePublicDir = fileURLToPath(new URL('../../../realtime/page/public/', import.meta.url));

/**
 * Chart.js's UMD build (the analytics page's charts), served from the installed package at
 * /page/vendor/chart.umd.min.js: the page loads nothing from another origin (its CSP allows none).
 */
export const chartJsFile = (): string => `${dirname(createRequire(import.meta.url).resolve('chart.js'))}/chart.umd.min.js`;

export interface PageRoutesOptions {
  readonly config: Pick<Config, 'jwtSecret' | 'jwtSecretIsDevelopment'>;
  /**
   * The realtime server's port on this host, asked on each `GET /config.json` (the server may bind
   * after the HTTP server, or to a port the system chose); undefined (or 0) when none is known.
   */
  readonly realtimePort: () => number | undefined;
  /** The folder of the page's files; defaults to realtime/page/public/ of this checkout. */
  readonly publicDir?: string;
}

/**
 * Scripts and styles only from this origin, no inline code, and Trusted Types enforced: the browser
 * itself refuses any HTML string assigned to innerHTML and the like, so the page can only build its
 * DOM from elements and text nodes. WebSockets may go to any host (the realtime port differs).
 */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join('; ');

const securityHeaders = (res: Response): void => {
  res.setHeader('Content-Security-Policy', PAGE_CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  // Revalidate on every load (ETag), so a new version of the page is never hidden by a cache.
  res.setHeader('Cache-Control', 'no-cache');
};

const devTokensDisabled = 'development sign-in is off: this server has its own AUTH_JWT_SECRET. '
  + 'Paste a token minted with that secret (`npm run token -- --sub <you> --roles bidder`).';

export const pageRoutes = (options: PageRoutesOptions): Router => {
  const publicDir = options.publicDir ?? pagePublicDir;
  if (!existsSync(`${publicDir}/index.html`)) throw new Error(`the page's files are missing: no index.html in ${publicDir}`);
  const { config } = options;
  const router = Router();

  router.get('/', (_req, res) => {
    securityHeaders(res);
    res.sendFile('index.html', { root: publicDir, dotfiles: 'deny' });
  });

  const chartJs = chartJsFile();
  if (!existsSync(chartJs)) throw new Error(`Chart.js is missing: no ${chartJs} (npm install)`);
  router.get('/page/vendor/chart.umd.min.js', (_req, res) => {
    securityHeaders(res);
    res.sendFile(chartJs, { headers: { 'Content-Type': 'text/javascript; charset=utf-8' } });
  });

  router.use('/page', express.static(publicDir, {
    index: false,
    dotfiles: 'ignore',
    redirect: false,
    fallthrough: true,
    setHeaders: (res) => securityHeaders(res),
  }));

  router.get('/config.json', (_req, res) => {
    const port = options.realtimePort();
    const body: PageConfig = {
      realtime: port !== undefined && port > 0 ? { port, path: WEBSOCKET_PATH } : null,
      devTokens: config.jwtSecretIsDevelopment
        ? { enabled: true, message: 'development sign-in: the server uses the development secret, so any name can sign in' }
        : { enabled: false, message: devTokensDisabled },
      currencies: { ...currencyExponents },
    };
    res.setHeader('Cache-Control', 'no-store');
    res.json(body);
  });

  router.post('/dev/token', async (req, res) => {
    if (!config.jwtSecretIsDevelopment) throw new ApiError(403, 'DEV_TOKENS_DISABLED', devTokensDisabled);
    const { body } = decodeRequest(req, { body: DevTokenBody });
    const now = new Date();
    const expiresAtMs = (Math.floor(now.getTime() / 1000) + DEV_TOKEN_TTL_SECONDS) * 1000;
    const token = await mintToken({ secret: config.jwtSecret, sub: body.sub, roles: body.roles, expiresIn: DEV_TOKEN_TTL_SECONDS, now });
    const answer: DevTokenResponse = { token, sub: body.sub, roles: body.roles, expiresAt: new Date(expiresAtMs).toISOString() };
    res.setHeader('Cache-Control', 'no-store');
    res.status(201).json(answer);
  });

  return router;
};
