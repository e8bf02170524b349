// The checkpoints' Merkle tree (RFC 9162 section 2.1) and the pure checks of a stream against a
// signed checkpoint: signatures, inclusion proofs, truncation and rewrites.
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import fc from 'fast-check';
import type { CheckpointBody, NewEvent, SignedCheckpoint, StreamHead } from '../../domain/index.js';
import {
  CHECKPOINT_FORMAT, EMPTY_CHAIN, checkStreamAgainstCheckpoint, checkpointSigningInput, compareStreamIds, inclusionProof, leafHash, merkleRoot,
  publicKeyId, sealEvents, verifyCheckpointSignature, verifyInclusion,
} from '../../domain/index.js';

const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();

/** RFC 9162's definition, written independently: split at the largest power of two below n. */
const referenceRoot = (leaves: readonly Buffer[]): Buffer => {
  if (leaves.length === 0) return sha();
  if (leaves.length === 1) return leaves[0]!;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return sha(Buffer.of(1), referenceRoot(leaves.slice(0, k)), referenceRoot(leaves.slice(k)));
};

const hex64 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex'));
const heads = fc
  .uniqueArray(fc.record({ streamId: fc.string({ minLength: 1, maxLength: 12 }), version: fc.integer({ min: 1, max: 1000 }), hash: hex64 }), { minLength: 1, maxLength: 40, selector: (h) => h.streamId })
  .map((hs) => [...hs].sort((a, b) => compareStreamIds(a.streamId, b.streamId)));

describe('checkpoint Merkle tree', () => {
  it('computes the RFC 9162 root', () => {
    fc.assert(fc.property(heads, (hs) => {
      const leaves = hs.map(leafHash);
      assert.equal(merkleRoot(leaves), referenceRoot(leaves.map((l) => Buffer.from(l, 'hex'))).toString('hex'));
    }));
    assert.equal(merkleRoot([]), createHash('sha256').digest('hex'));
  });

  it("verifies every leaf's inclusion proof, and no proof at another index or of another leaf", () => {
    fc.assert(fc.property(heads, fc.nat(), (hs, pick) => {
      const leaves = hs.map(leafHash);
      const root = merkleRoot(leaves);
      leaves.forEach((leaf, index) => assert.ok(verifyInclusion(leaf, index, leaves.length, inclusionProof(leaves, index), root), `leaf ${index} of ${leaves.length}`));
      const index = pick % leaves.length;
      const proof = inclusionProof(leaves, index);
      if (leaves.length > 1) {
        const other = (index + 1) % leaves.length;
        assert.equal(verifyInclusion(leaves[index]!, other, leaves.length, proof, root), false);
        assert.equal(verifyInclusion(leaves[other]!, index, leaves.length, proof, root), false);
      }
      assert.equal(verifyInclusion(leaves[index]!, index, leaves.length, proof, merkleRoot([...leaves, leaves[index]!])), false);
    }));
  });

  it('changes the root when any leaf changes (stream, version or hash)', () => {
    fc.assert(fc.property(heads, fc.nat(), fc.constantFrom('version', 'hash', 'streamId'), (hs, pick, field) => {
      const index = pick % hs.length;
      const before = merkleRoot(hs.map(leafHash));
      const head = hs[index]!;
      const changed: StreamHead = field === 'version' ? { ...head, version: head.version + 1 }
        : field === 'hash' ? { ...head, hash: head.hash.replace(/^./, (c) => (c === '0' ? '1' : '0')) }
        : { ...head, streamId: `${head.streamId}\u0000x` };
      const after = merkleRoot(hs.map((h, i) => leafHash(i === index ? changed : h)));
      assert.notEqual(after, before);
      // Dropping a leaf changes it too.
      if (hs.length > 1) assert.notEqual(merkleRoot(hs.filter((_, i) => i !== index).map(leafHash)), before);
    }));
  });
});

describe('checking a stream against a signed checkpoint', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const events = (n: number, tag = ''): ReturnType<typeof sealEvents> =>
    sealEvents('auction-a', EMPTY_CHAIN, Array.from({ length: n }, (_, i): NewEvent => ({
      eventId: `c${i}:0`, type: 'BidPlaced', data: { amount: i + tag.length },
      metadata: { commandId: `c${i}`, idempotencyKey: null, userId: 'u', correlationId: 'x', causationId: 'x', serverTime: '2030-01-01T00:00:00.000Z', schemaVersion: 1 },
    })));
  const stream = events(4);
  const others: StreamHead[] = [{ streamId: 'auction-0', version: 2, hash: 'a'.repeat(64) }, { streamId: 'auction-z', version: 1, hash: 'b'.repeat(64) }];
  const all = [...others, { streamId: 'auction-a', version: 4, hash: stream[3]!.hash }].sort((a, b) => compareStreamIds(a.streamId, b.streamId));
  const leaves = all.map(leafHash);
  const body: CheckpointBody = {
    format: CHECKPOINT_FORMAT, sequence: 7, createdAt: '2030-01-01T00:00:00.000Z', events: 7, lastPosition: '9:9',
    streams: all.length, root: merkleRoot(leaves), keyId: publicKeyId(publicPem),
  };
  const signed: SignedCheckpoint = { ...body, signature: sign(null, checkpointSigningInput(body), privateKey).toString('base64') };
  const index = all.findIndex((h) => h.streamId === 'auction-a');
  const leaf = { leaf: { head: all[index]!, index, proof: inclusionProof(leaves, index) }, headsRoot: body.root };

  it('accepts its own signature and refuses a forged one or another key', () => {
    assert.deepEqual(verifyCheckpointSignature(signed, publicPem), { ok: true });
    const forged = { ...signed, events: 8 };
    assert.match((verifyCheckpointSignature(forged, publicPem) as { reason: string }).reason, /does not verify/);
    const other = generateKeyPairSync('ed25519');
    const otherPem = other.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    assert.match((verifyCheckpointSignature(signed, otherPem) as { reason: string }).reason, /another key/);
    const mine = { ...body, keyId: publicKeyId(otherPem) };
    const resigned = { ...mine, signature: sign(null, checkpointSigningInput(mine), other.privateKey).toString('base64') };
    assert.equal(verifyCheckpointSignature(resigned, publicPem).ok, false);
  });

  it('finds an intact stream, also one that grew since', () => {
    assert.equal(checkStreamAgainstCheckpoint('auction-a', stream, signed, leaf).problem, undefined);
    const grown = sealEvents('auction-a', { version: 4, hash: stream[3]!.hash }, [{ ...events(1)[0]!, eventId: 'later:0' }]);
    assert.equal(checkStreamAgainstCheckpoint('auction-a', [...stream, ...grown], signed, leaf).problem, undefined);
  });

  it('names a truncated stream and a rewritten one', () => {
    const truncated = checkStreamAgainstCheckpoint('auction-a', stream.slice(0, 3), signed, leaf);
    assert.equal(truncated.problem, 'truncated');
    assert.equal(truncated.message, 'events after version 3 are missing (checkpoint 7 knew version 4)');
    const rewritten = checkStreamAgainstCheckpoint('auction-a', events(4, 'x'), signed, leaf);
    assert.equal(rewritten.problem, 'rewritten');
    assert.match(rewritten.message, /^event at version 4 differs from the checkpoint's head hash/);
  });

  it('refuses a leaf that does not lead to the signed root, and says when a stream is not covered', () => {
    const altered = { ...leaf, leaf: { ...leaf.leaf, head: { ...leaf.leaf.head, version: 3, hash: stream[2]!.hash } } };
    assert.equal(checkStreamAgainstCheckpoint('auction-a', stream, signed, altered).problem, 'proof-mismatch');
    assert.equal(checkStreamAgainstCheckpoint('auction-b', stream, signed, leaf).problem, 'proof-mismatch');
    const uncovered = checkStreamAgainstCheckpoint('auction-new', [], signed, { leaf: undefined, headsRoot: body.root });
    assert.deepEqual([uncovered.covered, uncovered.problem], [false, 'not-covered']);
    // A head deleted from the stored leaves: the rest no longer gives the signed root.
    const deleted = checkStreamAgainstCheckpoint('auction-a', stream, signed, { leaf: undefined, headsRoot: merkleRoot(leaves.filter((_, i) => i !== index)) });
    assert.deepEqual([deleted.covered, deleted.problem], [false, 'proof-mismatch']);
  });
});
