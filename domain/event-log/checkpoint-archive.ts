// The port through which auditors' routes reach the signed checkpoints of the log (types only; the
// adapter, which signs and stores them, lives in commands/checkpoints/).
import type { SignedCheckpoint, StoredLeaf } from './checkpoint.js';

export interface CheckpointArchive {
  /** The Ed25519 public key (SPKI PEM) that verifies every checkpoint this archive signs. */
  readonly publicKeyPem: string;
  /** sha256 (hex) of the public key's SPKI DER, as in each checkpoint's `keyId`. */
  readonly keyId: string;
  /** Takes a checkpoint now (on demand) and returns it, signed and stored. */
  create(): Promise<SignedCheckpoint>;
  latest(): Promise<SignedCheckpoint | undefined>;
  get(sequence: number): Promise<SignedCheckpoint | undefined>;
  /** Newest first, sequences below `before` when given. */
  list(options: { readonly before?: number; readonly limit: number }): Promise<readonly SignedCheckpoint[]>;
  /** The stream's stored leaf at checkpoint `sequence` with its inclusion proof, and the root of the stored heads. */
  proof(sequence: number, streamId: string): Promise<StoredLeaf>;
}
