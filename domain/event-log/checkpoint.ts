// Signed checkpoints of the whole log (tamper evidence beyond the hash chain): a Merkle root over
// every stream's head, the log's event count and last position, the time and a sequence number,
// signed with Ed25519. An auditor who keeps a checkpoint can later prove that a stream still holds
// the head it had then: a deleted last event (truncation) or a rewrite that recomputed every later
// hash both show. Pure: codecs, the bytes that are signed, and the checks; no key is read or kept.
import { createHash, createPublicKey, verify } from 'node:crypto';
import canonicalize from 'canonicalize';
import * as t from 'io-ts';
import { Count } from '../ids.js';
import type { ChainLink } from './hash-chain.js';
import type { StreamHead } from './merkle.js';
import { compareStreamIds, inclusionProof, leafHash, merkleRoot, verifyInclusion } from './merkle.js';

export const CHECKPOINT_FORMAT = 'gavelstream-log-checkpoint/1';

const Hex64 = new t.Type<string, string, unknown>(
  'Hex64',
  (u): u is string => typeof u === 'string' && /^[0-9a-f]{64}$/.test(u),
  (u, c) => (typeof u === 'string' && /^[0-9a-f]{64}$/.test(u) ? t.success(u) : t.failure(u, c, 'expected 64 lower-case hex digits')),
  t.identity,
);
const Base64 = new t.Type<string, string, unknown>(
  'Base64',
  (u): u is string => typeof u === 'string' && /^[A-Za-z0-9+/]{1,200}={0,2}$/.test(u),
  (u, c) => (typeof u === 'string' && /^[A-Za-z0-9+/]{1,200}={0,2}$/.test(u) ? t.success(u) : t.failure(u, c, 'expected base64')),
  t.identity,
);

/** What a checkpoint states; its canonical JSON (RFC 8785) is what the signature covers. */
export const CheckpointBodyCodec = t.type({
  format: t.literal(CHECKPOINT_FORMAT),
  /** 1, 2, 3, ...: one checkpoint per number in a log. */
  sequence: Count,
  /** When it was taken (ISO 8601 UTC). */
  createdAt: t.string,
  /** How many events the log held: every event up to `lastPosition`. */
  events: Count,
  /** The log position of the last event covered ('0' for an empty log). */
  lastPosition: t.string,
  /** How many streams (Merkle leaves). */
  streams: Count,
  /** The Merkle root (hex) over every stream's head, sorted by stream id (merkle.ts). */
  root: Hex64,
  /** sha256 (hex) of the signing key's public key (SPKI DER): which key signed. */
  keyId: Hex64,
}, 'CheckpointBody');
export type CheckpointBody = t.TypeOf<typeof CheckpointBodyCodec>;

/** A checkpoint with its Ed25519 signature (base64) over the canonical JSON of the body. */
export const SignedCheckpointCodec = t.intersection([CheckpointBodyCodec, t.type({ signature: Base64 })], 'SignedCheckpoint');
export type SignedCheckpoint = t.TypeOf<typeof SignedCheckpointCodec>;

/** Exactly the signed fields of a checkpoint (whatever else the value carries). */
export const checkpointBody = (c: CheckpointBody): CheckpointBody => ({
  format: c.format,
  sequence: c.sequence,
  createdAt: c.createdAt,
  events: c.events,
  lastPosition: c.lastPosition,
  streams: c.streams,
  root: c.root,
  keyId: c.keyId,
});

/** The bytes that are signed: the RFC 8785 canonical JSON of the body, in UTF-8. */
export const checkpointSigningInput = (body: CheckpointBody): Buffer => {
  const json = canonicalize(checkpointBody(body));
  if (json === undefined) throw new Error('a checkpoint cannot be written as JSON');
  return Buffer.from(json, 'utf8');
};

/** The key id of a public key (PEM or DER SPKI): hex sha256 of its SPKI DER. */
export const publicKeyId = (publicKey: string | Buffer): string => {
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : createPublicKey({ key: publicKey, format: 'der', type: 'spki' });
  return createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex');
};

export type SignatureCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** Checks a checkpoint's signature with the Ed25519 public key (SPKI PEM) an auditor trusts. */
export const verifyCheckpointSignature = (checkpoint: SignedCheckpoint, publicKeyPem: string): SignatureCheck => {
  let key;
  let keyId;
  try {
    key = createPublicKey(publicKeyPem);
    keyId = publicKeyId(publicKeyPem);
  } catch (error) {
    return { ok: false, reason: `the public key cannot be read: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (key.asymmetricKeyType !== 'ed25519') return { ok: false, reason: `the public key is ${key.asymmetricKeyType ?? 'not an asymmetric key'}, not Ed25519` };
  if (checkpoint.keyId !== keyId) {
    return { ok: false, reason: `checkpoint ${checkpoint.sequence} was signed by another key (key id ${checkpoint.keyId}, expected ${keyId})` };
  }
  const signed = verify(null, checkpointSigningInput(checkpoint), key, Buffer.from(checkpoint.signature, 'base64'));
  return signed ? { ok: true } : { ok: false, reason: `the signature of checkpoint ${checkpoint.sequence} does not verify: it was forged or the checkpoint was altered` };
};

/** One stream's leaf in a checkpoint, with its inclusion proof. */
export const StreamLeafProofCodec = t.type({
  head: t.type({ streamId: t.string, version: Count, hash: t.string }),
  /** The leaf's index among the checkpoint's `streams` leaves. */
  index: Count,
  /** The audit path (hex), from the leaf upwards. */
  proof: t.readonlyArray(t.string),
}, 'StreamLeafProof');
export type StreamLeafProof = t.TypeOf<typeof StreamLeafProofCodec>;

/**
 * What the stored heads of a checkpoint say about one stream: its leaf with the inclusion proof
 * (undefined when it has none), and the root those heads give, so that a missing leaf can be told
 * from a deleted one (the stored heads then no longer give the signed root).
 */
export interface StoredLeaf {
  readonly leaf: StreamLeafProof | undefined;
  readonly headsRoot: string;
}

/** The stream's stored leaf among a checkpoint's heads (any order). */
export const storedLeafOf = (heads: readonly StreamHead[], streamId: string): StoredLeaf => {
  const sorted = [...heads].sort((a, b) => compareStreamIds(a.streamId, b.streamId));
  const leaves = sorted.map(leafHash);
  const index = sorted.findIndex((h) => h.streamId === streamId);
  const head = sorted[index];
  return { leaf: head === undefined ? undefined : { head, index, proof: inclusionProof(leaves, index) }, headsRoot: merkleRoot(leaves) };
};

/**
 * What a checkpoint says about a stream now:
 * - not-covered: the checkpoint knows no such stream (created after it);
 * - truncated: the event at the version the checkpoint knew is gone;
 * - rewritten: that event's hash is not the checkpoint's head hash;
 * - proof-mismatch: the leaf given for the stream does not lead to the signed root (the stored
 *   leaves were altered);
 * - signature-invalid: the checkpoint itself is forged, altered, or signed by another key.
 */
export const CheckpointProblem = t.keyof({ 'not-covered': null, truncated: null, rewritten: null, 'proof-mismatch': null, 'signature-invalid': null }, 'CheckpointProblem');
export type CheckpointProblem = t.TypeOf<typeof CheckpointProblem>;

/** What a checkpoint says about a stream: `knownVersion`/`knownHash` are the head it signed, when it knew the stream. */
export const CheckpointFindingCodec = t.intersection([
  t.type({ sequence: Count, covered: t.boolean, message: t.string }),
  t.partial({ knownVersion: Count, knownHash: t.string, problem: CheckpointProblem }),
], 'CheckpointFinding');
export type CheckpointFinding = t.TypeOf<typeof CheckpointFindingCodec>;

/** Problems that make a stream invalid (not-covered only says the checkpoint cannot tell). */
export const isTamperFinding = (finding: CheckpointFinding): boolean => finding.problem !== undefined && finding.problem !== 'not-covered';

/**
 * Checks a stream's current events (in stream order) against a checkpoint whose signature was
 * already checked, given what the checkpoint's stored heads say about the stream.
 */
export const checkStreamAgainstCheckpoint = (
  streamId: string,
  events: readonly ChainLink[],
  checkpoint: CheckpointBody,
  stored: StoredLeaf,
): CheckpointFinding => {
  const sequence = checkpoint.sequence;
  const leaf = stored.leaf;
  if (leaf === undefined && stored.headsRoot !== checkpoint.root) {
    return { sequence, covered: false, problem: 'proof-mismatch', message: `stream ${streamId} has no stored head at checkpoint ${sequence}, and the stored heads do not give its signed root: the stored checkpoint leaves were altered` };
  }
  if (leaf === undefined) {
    return { sequence, covered: false, problem: 'not-covered', message: `stream ${streamId} is not covered by checkpoint ${sequence} (it has no head there: created after it)` };
  }
  const known = { sequence, covered: true, knownVersion: leaf.head.version, knownHash: leaf.head.hash };
  if (leaf.head.streamId !== streamId || !verifyInclusion(leafHash(leaf.head), leaf.index, checkpoint.streams, leaf.proof, checkpoint.root)) {
    return { ...known, problem: 'proof-mismatch', message: `the head recorded for ${streamId} at checkpoint ${sequence} does not lead to its signed root: the stored checkpoint leaves were altered` };
  }
  const last = events.reduce((max, e) => Math.max(max, e.streamVersion), 0);
  return compareWithCheckpointHead(sequence, leaf.head, events.find((e) => e.streamVersion === leaf.head.version)?.hash, last);
};

/**
 * A stream's head as a checkpoint knew it against what the stream holds now: the hash of its
 * event at that version (undefined when there is none) and its last version (0 when empty).
 */
export const compareWithCheckpointHead = (sequence: number, head: StreamHead, hashNow: string | undefined, lastVersion: number): CheckpointFinding => {
  const known = { sequence, covered: true, knownVersion: head.version, knownHash: head.hash };
  if (hashNow === undefined) {
    return { ...known, problem: 'truncated', message: `events after version ${lastVersion} are missing (checkpoint ${sequence} knew version ${head.version})` };
  }
  if (hashNow !== head.hash) {
    return { ...known, problem: 'rewritten', message: `event at version ${head.version} differs from the checkpoint's head hash (checkpoint ${sequence})` };
  }
  return { ...known, message: `stream ${head.streamId} still holds version ${head.version} as checkpoint ${sequence} knew it` };
};

/**
 * The whole check of a stream against a kept checkpoint: its signature with the public key the
 * auditor trusts (a forged one, or one of another key, is refused), then the stream's head.
 */
export const checkStreamAgainstSignedCheckpoint = (
  streamId: string,
  events: readonly ChainLink[],
  checkpoint: SignedCheckpoint,
  publicKeyPem: string,
  stored: StoredLeaf,
): CheckpointFinding => {
  const signature = verifyCheckpointSignature(checkpoint, publicKeyPem);
  if (!signature.ok) return { sequence: checkpoint.sequence, covered: false, problem: 'signature-invalid', message: signature.reason };
  return checkStreamAgainstCheckpoint(streamId, events, checkpoint, stored);
};
