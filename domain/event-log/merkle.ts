// The Merkle tree of signed log checkpoints, as in RFC 9162 (Certificate Transparency 2.0),
// section 2.1: leaves hashed as sha256(0x00 || data), inner nodes as sha256(0x01 || left || right),
// a tree of n > 1 leaves split at the largest power of two below n. Each leaf is one stream's head
// (stream id, version, head hash), the leaves sorted by stream id. Pure: functions of their arguments.
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** Where a stream stood: its last version and that event's hash. */
export interface StreamHead {
  readonly streamId: string;
  readonly version: number;
  readonly hash: string;
}

const sha256 = (...parts: readonly Uint8Array[]): Buffer => {
  const h = createHash('sha256');
  for (const part of parts) h.update(part);
  return h.digest();
};

const LEAF = Uint8Array.of(0);
const NODE = Uint8Array.of(1);

/** The order of the leaves: by stream id, UTF-16 code units (the same on every machine). */
export const compareStreamIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The RFC 8785 canonical JSON of a head: what its leaf hashes. */
export const streamHeadJson = (head: StreamHead): string => {
  const json = canonicalize({ streamId: head.streamId, version: head.version, hash: head.hash });
  if (json === undefined) throw new Error(`the head of ${head.streamId} cannot be written as JSON`);
  return json;
};

/** A leaf's hash (hex): sha256(0x00 || canonical JSON of the head). */
export const leafHash = (head: StreamHead): string => sha256(LEAF, Buffer.from(streamHeadJson(head), 'utf8')).toString('hex');

const nodeHash = (left: Buffer, right: Buffer): Buffer => sha256(NODE, left, right);

const toBuffers = (hexes: readonly string[]): Buffer[] => hexes.map((h) => Buffer.from(h, 'hex'));

/** The root (hex) over leaf hashes in order; the empty tree's root is sha256 of nothing. */
export const merkleRoot = (leafHashes: readonly string[]): string => {
  if (leafHashes.length === 0) return sha256().toString('hex');
  // Bottom up, an odd last node rising unchanged: the same tree as RFC 9162's largest-power-of-two split.
  let level = toBuffers(leafHashes);
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(nodeHash(level[i]!, level[i + 1]!));
    if (level.length % 2 === 1) next.push(level[level.length - 1]!);
    level = next;
  }
  return level[0]!.toString('hex');
};

/** The largest power of two strictly below n (n >= 2). */
const splitPoint = (n: number): number => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};

const subtreeRoot = (leaves: readonly Buffer[], from: number, to: number): Buffer => {
  if (to - from === 1) return leaves[from]!;
  const k = splitPoint(to - from);
  return nodeHash(subtreeRoot(leaves, from, from + k), subtreeRoot(leaves, from + k, to));
};

/** The inclusion proof (RFC 9162 2.1.3.1, the audit path, hex) of the leaf at `index`. */
export const inclusionProof = (leafHashes: readonly string[], index: number): string[] => {
  if (!Number.isSafeInteger(index) || index < 0 || index >= leafHashes.length) throw new Error(`no leaf ${index} in a tree of ${leafHashes.length}`);
  const leaves = toBuffers(leafHashes);
  const path: Buffer[] = [];
  let from = 0;
  let to = leaves.length;
  let m = index;
  // Top down; the path lists siblings from the leaf upwards, so collect and reverse.
  while (to - from > 1) {
    const k = splitPoint(to - from);
    if (m < k) {
      path.push(subtreeRoot(leaves, from + k, to));
      to = from + k;
    } else {
      path.push(subtreeRoot(leaves, from, from + k));
      from += k;
      m -= k;
    }
  }
  return path.reverse().map((b) => b.toString('hex'));
};

/** Checks an inclusion proof (RFC 9162 2.1.3.2) of `leaf` (a leaf hash) at `index` in a tree of `size` with `root`. */
export const verifyInclusion = (leaf: string, index: number, size: number, proof: readonly string[], root: string): boolean => {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  if (![leaf, root, ...proof].every((h) => /^[0-9a-f]{64}$/.test(h))) return false;
  let fn = index;
  let sn = size - 1;
  let r: Buffer = Buffer.from(leaf, 'hex');
  for (const hex of proof) {
    if (sn === 0) return false;
    const p = Buffer.from(hex, 'hex');
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.toString('hex') === root;
};
