// What a Node has started, closed in the reverse order: each start pushes its close, so an early return or a
// failed start closes exactly what exists, and shutdown is one call.

import { describeError } from '../system/index.js';

export class ResourceStack {
  private readonly held: Array<{ name: string; close: () => Promise<void> | void }> = [];

  /** `warn` hears a close that failed; the others are still closed. */
  constructor(private readonly warn: (message: string) => void) {}

  push(name: string, close: () => Promise<void> | void): void {
    this.held.push({ name, close });
  }

  /** Closes everything pushed, last first. */
  async closeAll(): Promise<void> {
    for (let r = this.held.pop(); r !== undefined; r = this.held.pop()) {
      try {
        await r.close();
      } catch (e) {
        this.warn(`Closing the ${r.name} failed: ${describeError(e)}`);
      }
    }
  }
}
