// cluster-key-slot (a dependency of ioredis, which computes slots with it) ships no types: this
// declares the one function infra/redis-slots.ts uses.
declare module 'cluster-key-slot' {
  /** The Redis Cluster slot (0..16383) of a key: CRC16 of its hash tag (the text in its first {...}), or of the whole key. */
  function calculateSlot(key: string): number;
  export = calculateSlot;
}
