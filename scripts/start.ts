// `npm start`: the whole system in one process (embedded mode with no configuration), or the
// roles named by ROLES against the services configured (DESIGN.md sections 3 and 4). SIGTERM or
// SIGINT stops it gracefully (README, Operations), then it exits 0; a second signal exits at once.
import { mkdirSync } from 'node:fs';
import { ConfigError, createLogger, loadConfig } from '../infra/index.js';
import { startSystem } from './compose/system.js';

let config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`gavelstream: ${error.message}`);
    process.exit(1);
  }
  throw error;
}

const logger = createLogger(config.logLevel, { name: 'gavelstream' });
if (config.jwtSecretIsDevelopment) {
  logger.warn('AUTH_JWT_SECRET is not set: using the development secret; never do this in production');
}
if (config.identityProvider !== undefined) {
  const { jwksUrl, issuer, audience, rolesClaim } = config.identityProvider;
  logger.info({ jwksUrl, issuer, audience, rolesClaim }, 'also accepting RS256/ES256 tokens of the identity provider at AUTH_JWKS_URL');
  const { protocol, hostname } = new URL(jwksUrl);
  if (protocol === 'http:' && !['localhost', '127.0.0.1', '[::1]'].includes(hostname)) {
    logger.warn('AUTH_JWKS_URL is plain http: whoever can alter that traffic can sign tokens this service accepts; use https');
  }
}
if (config.databaseUrl === undefined && config.dataDir !== 'memory') mkdirSync(config.dataDir, { recursive: true });

const system = await startSystem(config, logger).catch((error: unknown) => {
  logger.fatal({ err: error }, 'could not start');
  process.exit(1);
});

let stopping = false;
const shutdown = (signal: string) => {
  if (stopping) {
    logger.warn({ signal }, 'second signal: exiting without finishing the stop');
    process.exit(1);
  }
  stopping = true;
  logger.info({ signal, ...config.shutdown }, 'stopping: not ready any more');
  system.stop().then(
    () => {
      logger.info('stopped');
      process.exit(0);
    },
    (err: unknown) => {
      logger.error({ err }, 'unclean stop');
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
