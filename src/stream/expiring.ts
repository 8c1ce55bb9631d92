// A bounded set whose members leave after a while: the originator's memory of exits that could not resolve a host
// and of Nodes on a route that just failed. When full, the oldest member goes first.

export class ExpiringSet {
  private readonly until = new Map<string, number>();

  constructor(private readonly ttlMs: number, private readonly max: number, private readonly now: () => number = Date.now) {}

  add(key: string): void {
    this.until.delete(key);
    if (this.until.size >= this.max) {
      const oldest = this.until.keys().next();
      if (!oldest.done) this.until.delete(oldest.value);
    }
    this.until.set(key, this.now() + this.ttlMs);
  }

  has(key: string): boolean {
    const t = this.until.get(key);
    if (t === undefined) return false;
    if (t > this.now()) return true;
    this.until.delete(key);
    return false;
  }

  /** The members still current. */
  current(): Set<string> {
    const out = new Set<string>();
    for (const k of [...this.until.keys()]) if (this.has(k)) out.add(k);
    return out;
  }
}
