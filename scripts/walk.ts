// `npm run walk`: starts the embedded system in this process and lists the product files one bid
// runs through, from its HTTP request to its WebSocket frame (README, "Following one bid").
import { createLogger, loadConfig } from '../infra/index.js';
import { startSystem } from './compose/system.js';
import { traceOneBid } from './walk/index.js';

const config = loadConfig({ ...process.env, PORT: '0', REALTIME_PORT: '0', DATA_DIR: 'memory', LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '1000000' });
const system = await startSystem(config, createLogger(config.logLevel));
try {
  if (system.url === undefined || system.realtimeUrl === undefined) throw new Error('the embedded system serves no HTTP or WebSocket');
  const files = (await traceOneBid({ url: system.url, realtimeUrl: system.realtimeUrl, jwtSecret: config.jwtSecret })).filter((file) => !file.endsWith('/index.ts'));
  console.log(`one bid, from its request to its frame (embedded): code ran in ${files.length} product files`);
  for (const file of files) console.log(`  ${file}`);
} finally {
  await system.stop();
}
