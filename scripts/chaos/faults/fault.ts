// A fault of the chaos suite (issue 11's table): what it does to the target, and what must hold.
// One file per fault; the runner (run-fault.ts) puts the same load on the target before, during
// and after it, and runs the same checks when the system has settled.
import type { ChaosTarget } from '../target/index.js';

export interface FaultContext {
  readonly target: ChaosTarget;
  /** A progress line for the console. */
  readonly say: (line: string) => void;
}

export interface Fault {
  /** Its name on the command line (`npm run chaos -- --faults <name>`). */
  readonly name: string;
  /** What it does, as issue 11's table says it. */
  readonly title: string;
  /** What must hold, as issue 11's table says it. */
  readonly mustHold: string;
  /** Why it cannot run on this target (it needs a service or a node the target lacks), or undefined. */
  unavailable(target: ChaosTarget): string | undefined;
  /**
   * Does the damage and repairs it; resolves when the fault is over (the service or node is back
   * and answers), which is when the recovery times start.
   */
  inject(context: FaultContext): Promise<void>;
}
