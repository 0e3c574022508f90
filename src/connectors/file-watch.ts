/**
 * Change notifications for a directory: `fs.watch` for prompt wake-ups, plus a slow poll for
 * shared file systems (NFS, Lustre, GPFS) that deliver no events for writes made on other
 * hosts. Both run only while someone waits, so an idle connector holds no handles or timers.
 * @module
 */
import type { FSWatcher } from 'node:fs';
import { watch } from 'node:fs';

/** Options of a `DirectoryWatch`. */
export interface DirectoryWatchOptions {
  /** Use `fs.watch`; without it only the poll runs. */
  readonly watch: boolean;
  /** Milliseconds between polls. */
  readonly pollIntervalMs: number;
  /** Called with the changed entry's name, or `null` when the platform did not say. */
  readonly onChange: (name: string | null) => void;
  /** Called on every poll tick, and when the watcher fails. */
  readonly onPoll: () => void;
}

/** Watches one directory while started. */
export class DirectoryWatch {
  #watcher: FSWatcher | undefined;
  #timer: NodeJS.Timeout | undefined;

  /** @param directory the directory to watch. */
  constructor(
    private readonly directory: string,
    private readonly options: DirectoryWatchOptions,
  ) {}

  /** Whether the watch is running. */
  get active(): boolean {
    return this.#timer !== undefined;
  }

  /**
   * Starts watching, if not already. The OS watch is in place when this returns, so a change
   * made after it is reported.
   */
  start(): void {
    if (this.#timer) return;
    // Deliberately not unref'd: a process waiting for a value should stay alive to receive it.
    this.#timer = setInterval(this.options.onPoll, this.options.pollIntervalMs);
    if (!this.options.watch) return;
    try {
      this.#watcher = watch(this.directory, (_event, name) => this.options.onChange(name));
      this.#watcher.on('error', () => {
        // E.g. the directory was removed: fall back to the poll, and look at once.
        this.#closeWatcher();
        this.options.onPoll();
      });
    } catch {
      // Some file systems refuse watches (ENOSYS, ENOSPC for inotify limits): the poll covers it.
      this.#watcher = undefined;
    }
  }

  /** Stops watching; start() may be called again later. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#closeWatcher();
  }

  #closeWatcher(): void {
    this.#watcher?.close();
    this.#watcher = undefined;
  }
}
