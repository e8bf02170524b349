// The log's signed checkpoints in this process: the archive (served by the read-api role, taken
// periodically by the scheduler role), with its signing key resolved once (infra/checkpoint-key.ts).
import type { LogCheckpoints, RunningCheckpoints } from '../../commands/index.js';
import { createLogCheckpoints, startPeriodicCheckpoints } from '../../commands/index.js';
import { EMBEDDED_KEY_FILE, loadCheckpointKey } from '../../infra/index.js';
import type { Resources } from './resources.js';

/** The archive, or undefined when checkpoints are disabled (distributed without CHECKPOINT_SIGNING_KEY). */
export const checkpointsFor = (r: Resources, clock?: () => Date): LogCheckpoints | undefined => {
  const { config, logger } = r;
  const loaded = loadCheckpointKey({ configured: config.checkpointSigningKey, databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  if (loaded === undefined) {
    logger.warn('signed log checkpoints are DISABLED: set CHECKPOINT_SIGNING_KEY (an Ed25519 private key, the same in every process) to take and serve them');
    return undefined;
  }
  const checkpoints = createLogCheckpoints({ sql: r.sql, log: r.log, signingKey: loaded.key, ...(clock !== undefined ? { clock } : {}) });
  const keyId = checkpoints.keyId;
  if (loaded.source === 'ephemeral') {
    logger.warn({ keyId }, 'signed log checkpoints: DATA_DIR=memory, so the signing key is generated for this process only; set CHECKPOINT_SIGNING_KEY to keep it');
  } else if (loaded.source === 'data-dir') {
    logger.info({ keyId, file: EMBEDDED_KEY_FILE }, 'signed log checkpoints: signing key kept in DATA_DIR (set CHECKPOINT_SIGNING_KEY to use your own)');
  } else {
    logger.info({ keyId }, 'signed log checkpoints: signing key from CHECKPOINT_SIGNING_KEY');
  }
  return checkpoints;
};

/** Periodic checkpoints every CHECKPOINT_INTERVAL_SECONDS (none when 0). */
export const startCheckpointing = (r: Resources, checkpoints: LogCheckpoints): RunningCheckpoints | undefined => {
  const seconds = r.config.checkpointIntervalSeconds;
  if (seconds === 0) {
    r.logger.info('signed log checkpoints: CHECKPOINT_INTERVAL_SECONDS=0, so only on demand (POST /v1/audit/checkpoints)');
    return undefined;
  }
  return startPeriodicCheckpoints(checkpoints, {
    intervalMs: seconds * 1_000,
    onCheckpoint: (c) => r.logger.info({ sequence: c.sequence, events: c.events, streams: c.streams, root: c.root }, 'log checkpoint signed'),
    onError: (err) => r.logger.error({ err }, 'taking a log checkpoint failed; retrying at the next interval'),
  });
};
