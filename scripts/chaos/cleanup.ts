// Everything the chaos suite starts (services, role processes, its .chaos folder) is registered
// here and torn down at the end, newest first: on success, on failure, on Ctrl-C (SIGINT/SIGTERM),
// and, should the process exit some other way, synchronously from its 'exit' handler.
export interface Removable {
  readonly name: string;
  /** The orderly removal. */
  remove(): Promise<void>;
  /** The synchronous emergency removal (a process 'exit' handler cannot wait). */
  removeNow(): void;
}

export class Cleanup {
  private readonly items: Removable[] = [];
  private readonly onExit = (): void => this.removeAllNow();
  private readonly onSignal = (signal: NodeJS.Signals): void => {
    process.stderr.write(`chaos: ${signal}: stopping everything the suite started\n`);
    this.removeAll().finally(() => process.exit(130));
  };

  constructor() {
    process.on('exit', this.onExit);
    process.once('SIGINT', this.onSignal);
    process.once('SIGTERM', this.onSignal);
  }

  add<T extends Removable>(item: T): T {
    this.items.push(item);
    return item;
  }

  /** Removes everything, newest first; a removal that fails is reported and the others go on. */
  async removeAll(): Promise<void> {
    while (this.items.length > 0) {
      const item = this.items.pop()!;
      try {
        await item.remove();
      } catch (error) {
        process.stderr.write(`chaos: could not remove ${item.name}: ${(error as Error).message}\n`);
        item.removeNow();
      }
    }
    process.off('exit', this.onExit);
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
  }

  private removeAllNow(): void {
    while (this.items.length > 0) {
      const item = this.items.pop()!;
      try {
        item.removeNow();
      } catch {
        // best effort: the process is exiting
      }
    }
  }
}
