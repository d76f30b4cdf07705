import { existsSync, watch, type FSWatcher } from 'node:fs';
import * as path from 'node:path';
import { workspaceDependencies } from './workspace-deps';

/** A folder to watch and the functions a change in it affects. */
export interface WatchTarget {
  readonly dir: string;
  /** Watch sub-folders too (a function's src/, a package's src/). */
  readonly recursive: boolean;
  /** Only these file names count (e.g. config.json beside a function's src/); any by default. */
  readonly files?: readonly string[];
  readonly functions: readonly string[];
}

export interface SourceWatcherOptions {
  readonly targets: readonly WatchTarget[];
  /** Quiet time after the last change before `onChange` fires (an editor's save is several events). */
  readonly debounceMs?: number;
  /** The functions whose sources changed since the last call, sorted. */
  readonly onChange: (functions: string[]) => void;
  /** A watch that broke (its folder removed...): reported, the others go on. */
  readonly onError?: (dir: string, error: Error) => void;
}

/** Editor droppings (dotfiles, backups~, vim's numbered probe files) and dependency folders are not source changes. */
function ignored(file: string): boolean {
  const base = path.basename(file);
  return file.split(/[\\/]/).includes('node_modules') || base.startsWith('.') || base.endsWith('~') || /^\d+$/.test(base);
}

/**
 * Watches function and package sources with `fs.watch` (recursive, which Node 20 supports on
 * Linux) and reports which functions need a rebuild, debounced, as one batch.
 */
export class SourceWatcher {
  private readonly watchers: FSWatcher[] = [];
  private readonly pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: SourceWatcherOptions) {
    for (const target of options.targets) {
      if (!existsSync(target.dir)) continue;
      const watcher = watch(target.dir, { recursive: target.recursive }, (_event, file) => {
        const name = file === null ? '' : String(file);
        if (name !== '' && ignored(name)) return;
        if (target.files && !target.files.includes(path.basename(name))) return;
        this.note(target.functions);
      });
      watcher.on('error', (error) => options.onError?.(target.dir, error));
      this.watchers.push(watcher);
    }
  }

  /** How many folders are being watched. */
  get size(): number {
    return this.watchers.length;
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const watcher of this.watchers) watcher.close();
  }

  private note(functions: readonly string[]): void {
    if (this.closed) return;
    for (const name of functions) this.pending.add(name);
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), this.options.debounceMs ?? 150);
  }

  private flush(): void {
    this.timer = undefined;
    if (this.closed || this.pending.size === 0) return;
    const names = [...this.pending].sort();
    this.pending.clear();
    this.options.onChange(names);
  }
}

/**
 * What to watch for a project: each function's `src/`, config.json and package.json (that
 * function), and the `src/` of each workspace package a function bundles (the functions that
 * bundle it, per workspaceDependencies).
 */
export function projectWatchTargets(root: string, functions: readonly string[]): WatchTarget[] {
  const targets: WatchTarget[] = [];
  for (const name of functions) {
    const dir = path.join(root, 'cloudfunctions', name);
    targets.push({ dir: path.join(dir, 'src'), recursive: true, functions: [name] });
    targets.push({ dir, recursive: false, files: ['config.json', 'package.json'], functions: [name] });
  }
  const usedBy = new Map<string, string[]>();
  for (const [fn, packages] of workspaceDependencies(root, functions)) {
    for (const pkg of packages) usedBy.set(pkg, [...(usedBy.get(pkg) ?? []), fn]);
  }
  for (const [pkg, fns] of [...usedBy].sort(([a], [b]) => a.localeCompare(b))) {
    targets.push({ dir: path.join(root, 'packages', pkg, 'src'), recursive: true, functions: fns.sort() });
  }
  return targets;
}
