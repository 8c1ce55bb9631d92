// The dashboard's refresh rhythm: each panel fetches its own route, waits `intervalMs` after its answer (never two
// requests of one panel at a time), and stops while the tab is hidden; when it shows again every panel refreshes
// at once. Timers and visibility are passed in so the rhythm is tested without a browser.

export interface PollTimers {
  setTimeout(f: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}
export interface Visibility {
  hidden(): boolean;
  /** Calls `f` at each change; returns what stops it. */
  onChange(f: () => void): () => void;
}

export type Refresh = () => Promise<void>;

/** `again`: a refresh was asked while one ran; it runs as soon as that one ends. */
interface Task { refresh: Refresh; timer?: unknown; running: boolean; again: boolean }

export class Poller {
  private readonly tasks: Task[] = [];
  private readonly stopWatching: () => void;
  private stopped = false;

  constructor(private readonly timers: PollTimers, private readonly visibility: Visibility, private readonly intervalMs: number) {
    this.stopWatching = visibility.onChange(() => {
      if (!visibility.hidden()) for (const t of this.tasks) this.runNow(t);
    });
  }

  /** Starts refreshing one panel: now, then every interval while visible. */
  add(refresh: Refresh): void {
    const task: Task = { refresh, running: false, again: false };
    this.tasks.push(task);
    this.runNow(task);
  }

  /** Refreshes every panel at once (after an action that changes several, like stopping the Node). */
  refreshAll(): void {
    for (const t of this.tasks) this.runNow(t);
  }

  stop(): void {
    this.stopped = true;
    this.stopWatching();
    for (const t of this.tasks) if (t.timer !== undefined) this.timers.clearTimeout(t.timer);
    this.tasks.length = 0;
  }

  private runNow(task: Task): void {
    if (this.stopped || this.visibility.hidden()) return;
    if (task.running) {
      task.again = true;
      return;
    }
    if (task.timer !== undefined) this.timers.clearTimeout(task.timer);
    task.timer = undefined;
    task.running = true;
    // A panel shows its own failure; the rhythm goes on whatever happened.
    void task.refresh().catch(() => undefined).finally(() => {
      task.running = false;
      if (this.stopped) return;
      if (task.again) {
        task.again = false;
        this.runNow(task);
      } else {
        // A tick in a hidden tab does nothing; becoming visible runs the panel again.
        task.timer = this.timers.setTimeout(() => this.runNow(task), this.intervalMs);
      }
    });
  }
}
