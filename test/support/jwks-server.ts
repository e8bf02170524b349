// An identity provider's key set, served by the test suite itself: a node http server on port 0
// publishing a JSON Web Key Set of keys generated with jose, and tokens signed with them. Keys can
// be added and withdrawn (a rotation), and the server can answer badly or not at all (an outage).
import { createServer } from 'node:http';
import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import type { CryptoKey, JWK } from 'jose';

export type ProviderAlgorithm = 'RS256' | 'ES256';

/** How the server answers: the key set, a status, a body that is no key set, or never. */
export type JwksAnswer = 'keys' | 'not-json' | 'not-a-key-set' | 'hang' | { readonly status: number };

export interface SignOptions {
  /** The key to sign with (its kid); default the newest key of `alg`, else the newest. */
  readonly kid?: string;
  readonly alg?: ProviderAlgorithm;
  /** The kid the header names, when it differs from the signing key's; null: no kid at all. */
  readonly headerKid?: string | null;
  /** null: no iss claim. Default the server's issuer. */
  readonly issuer?: string | null;
  /** null: no aud claim. Default the server's audience. */
  readonly audience?: string | readonly string[] | null;
  /** Seconds from `now` to exp (negative: expired); null: no exp. Default 3600. */
  readonly expiresIn?: number | null;
  readonly now?: Date;
}

export interface JwksServer {
  readonly url: string;
  readonly issuer: string;
  readonly audience: string;
  /** How many times the key set was asked for. */
  readonly fetches: number;
  /** Generates a key, publishes it, and returns its kid. */
  addKey(alg: ProviderAlgorithm): Promise<string>;
  /** Stops publishing a key (tokens can still be signed with it). */
  withdraw(kid: string): void;
  /** The published public key, as a JWK. */
  publicJwk(kid: string): JWK;
  sign(claims: Readonly<Record<string, unknown>>, options?: SignOptions): Promise<string>;
  answer(mode: JwksAnswer): void;
  close(): Promise<void>;
}

interface Key {
  readonly kid: string;
  readonly alg: ProviderAlgorithm;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

export const startJwksServer = async (options: { issuer?: string; audience?: string } = {}): Promise<JwksServer> => {
  const keys: Key[] = [];
  const published = new Set<string>();
  const hanging = new Set<ServerResponse>();
  let mode: JwksAnswer = 'keys';
  let fetches = 0;
  const server = createServer((req, res) => {
    if (req.url !== '/.well-known/jwks.json') {
      res.writeHead(404).end();
      return;
    }
    fetches += 1;
    if (mode === 'hang') {
      hanging.add(res);
      return;
    }
    if (typeof mode === 'object') {
      res.writeHead(mode.status, { 'content-type': 'text/plain' }).end('no');
      return;
    }
    const body = mode === 'not-json' ? '<html>maintenance</html>'
      : mode === 'not-a-key-set' ? JSON.stringify({ keys: 'none' })
      : JSON.stringify({ keys: keys.filter((k) => published.has(k.kid)).map((k) => k.publicJwk) });
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = options.issuer ?? `http://127.0.0.1:${port}/`;
  const audience = options.audience ?? 'https://api.gavelstream.test';

  const keyFor = (o: SignOptions): Key => {
    const key = o.kid !== undefined ? keys.find((k) => k.kid === o.kid) : [...keys].reverse().find((k) => o.alg === undefined || k.alg === o.alg);
    if (key === undefined) throw new Error(`no key ${o.kid ?? o.alg ?? ''}`);
    return key;
  };

  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    issuer,
    audience,
    get fetches() {
      return fetches;
    },
    addKey: async (alg) => {
      const { privateKey, publicKey } = await generateKeyPair(alg);
      const kid = `${alg.toLowerCase()}-${randomUUID().slice(0, 8)}`;
      keys.push({ kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } });
      published.add(kid);
      return kid;
    },
    withdraw: (kid) => {
      published.delete(kid);
    },
    publicJwk: (kid) => {
      const key = keys.find((k) => k.kid === kid);
      if (key === undefined) throw new Error(`no key ${kid}`);
      return key.publicJwk;
    },
    sign: async (claims, o = {}) => {
      const key = keyFor(o);
      const headerKid = o.headerKid === undefined ? key.kid : o.headerKid;
      const now = Math.floor((o.now ?? new Date()).getTime() / 1000);
      const jwt = new SignJWT({ ...claims })
        .setProtectedHeader({ alg: key.alg, typ: 'JWT', ...(headerKid !== null ? { kid: headerKid } : {}) })
        .setIssuedAt(now);
      const iss = o.issuer === undefined ? issuer : o.issuer;
      if (iss !== null) jwt.setIssuer(iss);
      const aud = o.audience === undefined ? audience : o.audience;
      if (aud !== null) jwt.setAudience(typeof aud === 'string' ? aud : [...aud]);
      const expiresIn = o.expiresIn === undefined ? 3600 : o.expiresIn;
      if (expiresIn !== null) jwt.setExpirationTime(now + expiresIn);
      return jwt.sign(key.privateKey);
    },
    answer: (next) => {
      mode = next;
      if (next !== 'hang') {
        for (const res of hanging) res.destroy();
        hanging.clear();
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};

/** A URL where nothing listens: a port that was just free. */
export const closedJwksUrl = async (): Promise<string> => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/.well-known/jwks.json`;
};
