// `npm run verify-chain -- <auctionId>` re-verifies the hash chain of stream `auction-<auctionId>`
// and prints {valid, events, brokenAt?}; `--all` verifies every stream in the log.
// `--checkpoint <file.json> [--public-key <file.pem>]` also checks the stream against a signed
// checkpoint an auditor kept (as GET /v1/audit/checkpoints/... served it): its signature with the
// public key, then that the stream still holds the head the checkpoint signed (a deleted last event
// or a rewrite with every later hash recomputed shows here), printed as `checkpoint`; with `--all`,
// every stream the checkpoint knew, naming each one that changed.
// Exit status: 0 valid, 1 broken, 2 usage error, no such stream, or a refused checkpoint.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { isLeft } from 'fp-ts/lib/Either.js';
import { openEventLog, readHeadsAt } from '../commands/index.js';
import type { ChainCheck, EventLog, LogPosition, SignedCheckpoint, StreamHead } from '../domain/index.js';
import {
  START, SignedCheckpointCodec, chainCheckResult, checkNextLink, checkStreamAgainstSignedCheckpoint, compareWithCheckpointHead, isTamperFinding, leafHash,
  merkleRoot, startChainCheck, storedLeafOf, verifyChain, verifyCheckpointSignature,
} from '../domain/index.js';
import type { Config, SqlExecutor } from '../infra/index.js';
import { EMBEDDED_KEY_FILE, explainDecodeErrors, loadConfig, parseEd25519PrivateKey, publicKeyPemOf } from '../infra/index.js';

const usage = 'usage: npm run verify-chain -- <auctionId> | --all [--checkpoint <file.json> [--public-key <file.pem>]]';

class UsageError extends Error {}

/** A kept checkpoint file, decoded by the codec the server signs with. */
const readCheckpointFile = (file: string): SignedCheckpoint => {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`--checkpoint ${file}: cannot read it as JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const decoded = SignedCheckpointCodec.decode(json);
  if (isLeft(decoded)) throw new UsageError(`--checkpoint ${file}: not a signed checkpoint: ${explainDecodeErrors(decoded.left)}`);
  return decoded.right;
};

/** The auditor's own copy of the public key; else the server's (CHECKPOINT_SIGNING_KEY, or the embedded key file). */
const publicKeyFor = (config: Config, file: string | undefined): string => {
  if (file !== undefined) return readFileSync(file, 'utf8');
  const embedded = join(config.dataDir, EMBEDDED_KEY_FILE);
  const privateKey = config.checkpointSigningKey ?? (config.databaseUrl === undefined && existsSync(embedded) ? readFileSync(embedded, 'utf8') : undefined);
  if (privateKey === undefined) throw new UsageError('no public key: pass --public-key <file.pem> (GET /v1/audit/checkpoints/public-key), or set CHECKPOINT_SIGNING_KEY');
  process.stderr.write("verify-chain: checking the signature with the server's own key; an auditor should pass --public-key with the key they kept\n");
  return publicKeyPemOf(parseEd25519PrivateKey(privateKey));
};

const verifyAgainstCheckpoint = async (log: EventLog, sql: SqlExecutor, auctionId: string, checkpoint: SignedCheckpoint, publicKeyPem: string): Promise<number> => {
  if (signatureRefused(checkpoint, publicKeyPem)) return 2;
  const streamId = `auction-${auctionId}`;
  const events = await log.readStream(streamId);
  const chain = verifyChain(events);
  const finding = checkStreamAgainstSignedCheckpoint(streamId, events, checkpoint, publicKeyPem, storedLeafOf(await readHeadsAt(sql, checkpoint.sequence), streamId));
  const valid = chain.valid && !isTamperFinding(finding);
  process.stdout.write(`${JSON.stringify({ ...chain, valid, checkpoint: finding })}\n`);
  if (events.length === 0 && !finding.covered) {
    process.stderr.write(`verify-chain: stream ${streamId} has no events\n`);
    return 2;
  }
  if (finding.problem !== undefined) process.stderr.write(`verify-chain: ${finding.message}\n`);
  return valid ? 0 : 1;
};

const verifyOne = async (log: EventLog, auctionId: string): Promise<number> => {
  const events = await log.readStream(`auction-${auctionId}`);
  const result = verifyChain(events);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  if (events.length === 0) {
    process.stderr.write(`verify-chain: stream auction-${auctionId} has no events\n`);
    return 2;
  }
  return result.valid ? 0 : 1;
};

/** A kept checkpoint checked against the whole log: the stored heads, and each stream's event at its known version. */
interface WholeLogCheckpoint {
  readonly checkpoint: SignedCheckpoint;
  readonly heads: readonly StreamHead[];
}

/**
 * Pages through the whole log once, checking each stream's links as its events come by; with a
 * kept checkpoint also every stream it knew (truncated, rewritten), naming each one that changed.
 */
const verifyAll = async (log: EventLog, kept?: WholeLogCheckpoint): Promise<number> => {
  const checks = new Map<string, ChainCheck>();
  const known = new Map((kept?.heads ?? []).map((h) => [h.streamId, h]));
  const hashAtKnown = new Map<string, string>();
  const lastVersion = new Map<string, number>();
  let after: LogPosition = START;
  let total = 0;
  for (;;) {
    const page = await log.readAll({ after, limit: 1_000 });
    for (const event of page) {
      checks.set(event.streamId, checkNextLink(checks.get(event.streamId) ?? startChainCheck, event));
      if (known.get(event.streamId)?.version === event.streamVersion) hashAtKnown.set(event.streamId, event.hash);
      lastVersion.set(event.streamId, Math.max(lastVersion.get(event.streamId) ?? 0, event.streamVersion));
    }
    total += page.length;
    const last = page[page.length - 1];
    if (last === undefined) break;
    after = last.position;
  }
  const broken = [...checks.entries()]
    .map(([streamId, check]) => ({ streamId, ...chainCheckResult(check) }))
    .filter((r) => !r.valid)
    .map(({ streamId, brokenAt }) => ({ streamId, brokenAt }));
  let valid = broken.length === 0;
  let checkpoint: Record<string, unknown> | undefined;
  if (kept !== undefined) {
    const { sequence, streams, root } = kept.checkpoint;
    // The stored heads must be exactly what was signed, else the findings below rest on altered heads.
    const headsMatchRoot = kept.heads.length === streams && merkleRoot(kept.heads.map(leafHash)) === root;
    const changed = kept.heads
      .map((head) => ({ streamId: head.streamId, ...compareWithCheckpointHead(sequence, head, hashAtKnown.get(head.streamId), lastVersion.get(head.streamId) ?? 0) }))
      .filter((f) => f.problem !== undefined)
      .map(({ streamId, problem, message }) => ({ streamId, problem, message }));
    valid = valid && headsMatchRoot && changed.length === 0;
    checkpoint = { sequence, streams: kept.heads.length, storedHeadsMatchRoot: headsMatchRoot, changed };
    if (!headsMatchRoot) process.stderr.write(`verify-chain: the stored heads of checkpoint ${sequence} do not reproduce its signed root: the checkpoint tables were altered\n`);
    for (const c of changed) process.stderr.write(`verify-chain: ${c.streamId}: ${c.message}\n`);
  }
  process.stdout.write(`${JSON.stringify({ valid, streams: checks.size, events: total, broken, ...(checkpoint !== undefined ? { checkpoint } : {}) })}\n`);
  return valid ? 0 : 1;
};

/** Refuses (exit 2) a kept checkpoint whose signature does not verify with the public key. */
const signatureRefused = (checkpoint: SignedCheckpoint, publicKeyPem: string): boolean => {
  const signature = verifyCheckpointSignature(checkpoint, publicKeyPem);
  if (!signature.ok) process.stderr.write(`verify-chain: checkpoint refused: ${signature.reason}\n`);
  return !signature.ok;
};

const main = async (): Promise<number> => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { all: { type: 'boolean' }, checkpoint: { type: 'string' }, 'public-key': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const target = positionals[0];
  const all = values.all === true;
  if (values.help === true || positionals.length > 1 || (all ? target !== undefined : target === undefined || target === '')) throw new UsageError(usage);
  if (values['public-key'] !== undefined && values.checkpoint === undefined) throw new UsageError('--public-key goes with --checkpoint');
  const config = loadConfig();
  const kept = values.checkpoint === undefined ? undefined : { checkpoint: readCheckpointFile(values.checkpoint), publicKey: publicKeyFor(config, values['public-key']) };
  const { log, sql, close } = await openEventLog(config);
  try {
    if (all && kept !== undefined) {
      if (signatureRefused(kept.checkpoint, kept.publicKey)) return 2;
      return await verifyAll(log, { checkpoint: kept.checkpoint, heads: await readHeadsAt(sql, kept.checkpoint.sequence) });
    }
    if (all) return await verifyAll(log);
    if (kept !== undefined) return await verifyAgainstCheckpoint(log, sql, target!, kept.checkpoint, kept.publicKey);
    return await verifyOne(log, target!);
  } finally {
    await close();
  }
};

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError && error.message !== usage) process.stderr.write(`${usage}\n`);
    process.stderr.write(`verify-chain: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
