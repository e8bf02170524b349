// What a fault does to a service the chaos suite controls (its own PostgreSQL, Redis, Kafka,
// RabbitMQ): start it again, stop it cleanly, kill it hard; and, for the clean-up on failure or
// Ctrl-C, end it at once without waiting (synchronously, so it can run in a process 'exit' handler).
export interface ControllableService {
  readonly name: string;
  /** Starts it (again), keeping its data; resolves once it answers. */
  start(): Promise<void>;
  /** Stops it cleanly (SIGTERM, or the server's own clean stop); resolves once it is gone. */
  stop(): Promise<void>;
  /** Kills it without a clean stop (SIGKILL, or PostgreSQL's immediate stop); resolves once it is gone. */
  kill(): Promise<void>;
  /** Whether it runs now. */
  running(): boolean;
  /** Stops it for good and removes its folder. */
  remove(): Promise<void>;
  /** The emergency stop: kills it and removes its folder synchronously, ignoring failures. */
  removeNow(): void;
}
