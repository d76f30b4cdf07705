/** One line a function's invocation printed (console.*, stdout/stderr) or the runtime noted about it. */
export interface FunctionLogEntry {
  /** The invocation it belongs to; null for output of an idle instance. */
  readonly requestId: string | null;
  readonly instanceId: string;
  /** console method ('log', 'info', 'warn', 'error', 'debug', 'trace'), 'stdout', 'stderr', or 'runtime'. */
  readonly level: string;
  readonly message: string;
  /** Clock time (ms since the epoch) when the runtime received it. */
  readonly at: number;
}

/**
 * The most recent log lines of each function, bounded so a chatty function cannot grow the
 * local cloud's memory without limit: the oldest lines go first.
 */
export class FunctionLogs {
  private readonly byFunction = new Map<string, FunctionLogEntry[]>();
  private readonly listeners = new Set<(functionKey: string, entry: FunctionLogEntry) => void>();

  constructor(private readonly limitPerFunction: number) {}

  add(functionKey: string, entry: FunctionLogEntry): void {
    let entries = this.byFunction.get(functionKey);
    if (!entries) this.byFunction.set(functionKey, (entries = []));
    entries.push(entry);
    if (entries.length > this.limitPerFunction) entries.splice(0, entries.length - this.limitPerFunction);
    for (const listener of this.listeners) listener(functionKey, entry);
  }

  /** Calls `listener` with each line as it arrives (the console's live log); returns the unsubscribe. */
  subscribe(listener: (functionKey: string, entry: FunctionLogEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  read(functionKey: string, requestId?: string): readonly FunctionLogEntry[] {
    const entries = this.byFunction.get(functionKey) ?? [];
    return requestId === undefined ? [...entries] : entries.filter((entry) => entry.requestId === requestId);
  }

  clear(functionKey: string): void {
    this.byFunction.delete(functionKey);
  }
}
