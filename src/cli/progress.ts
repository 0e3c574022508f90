/**
 * A single status line on a terminal, rewritten in place (`\r` + erase line), for transfers
 * large or slow enough to leave a user wondering. It writes only to a TTY: when stderr is piped
 * or redirected the command stays quiet, so logs and scripts see no control characters.
 *
 * The connector API moves whole objects, so the line is as precise as the facts: bytes read
 * while reading a file or stdin, then elapsed time while the object is sent or received.
 * @module
 */
import { formatDuration } from './units.js';

/** Objects above this size get a progress line (smaller ones finish before it would help). */
export const PROGRESS_MIN_BYTES = 8 * 2 ** 20;
/** A receive, whose size is unknown until it ends, gets a line once it has taken this long. */
export const PROGRESS_AFTER_MS = 1_000;
// Redrawing more often than this only costs terminal bandwidth.
const REDRAW_MS = 100;

/** Where the line goes: `process.stderr`, or a fake in tests. */
export interface ProgressStream {
  readonly isTTY?: boolean | undefined;
  write(text: string): boolean;
}

/** One status line. Call `finish` (or `clear`) at the end, on success and on failure. */
export class Progress {
  #shown = false;
  #lastDraw = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly stream: ProgressStream = process.stderr) {}

  /** Whether this line can be drawn at all (the stream is a terminal). */
  get enabled(): boolean {
    return this.stream.isTTY === true;
  }

  /** Draws `text`, throttled unless `force`; a no-op off a terminal. */
  show(text: string, force = false): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (!force && this.#shown && now - this.#lastDraw < REDRAW_MS) return;
    this.#lastDraw = now;
    this.#shown = true;
    this.stream.write(`\r\x1b[K${text}`);
  }

  /**
   * Runs `work`, redrawing `label` with the elapsed time until it settles; the line first
   * appears after `delayMs` (0: at once), so quick operations draw nothing.
   */
  async during<T>(label: string, work: Promise<T>, delayMs = 0): Promise<T> {
    const started = Date.now();
    const draw = (): void => this.show(`${label} ${formatDuration(Date.now() - started)}`, true);
    if (this.enabled) {
      const begin = (): void => {
        draw();
        this.#timer = setInterval(draw, 250);
        this.#timer.unref();
      };
      if (delayMs === 0) begin();
      else {
        this.#timer = setTimeout(begin, delayMs);
        this.#timer.unref();
      }
    }
    try {
      return await work;
    } finally {
      this.#stopTimer();
    }
  }

  /** Whether anything has been drawn. */
  get shown(): boolean {
    return this.#shown;
  }

  /** Replaces the line by `text` and ends it, if a line was drawn; otherwise writes nothing. */
  finish(text: string): void {
    this.#stopTimer();
    if (!this.#shown) return;
    this.stream.write(`\r\x1b[K${text}\n`);
    this.#shown = false;
  }

  /** Erases the line, if one was drawn (before an error message takes its place). */
  clear(): void {
    this.#stopTimer();
    if (!this.#shown) return;
    this.stream.write('\r\x1b[K');
    this.#shown = false;
  }

  #stopTimer(): void {
    // clearTimeout and clearInterval are interchangeable in Node.
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

/**
 * The command's status line on stderr. There is one per process, since there is one terminal
 * line to draw on; `main` clears it before it prints an error.
 */
export const statusLine = new Progress();
