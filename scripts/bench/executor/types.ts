/**
 * What the executor group measures (issue 16): one BullMQ workflow, tasks whose input and
 * result are `size` bytes, run with the data as proxies (references through the queue, bytes
 * through the mesh) and, as the baseline, by value through the queue.
 * @module
 */

/** How the data travels: as proxies (StoreExecutor with a size policy) or by value (base64 in the job). */
export type ExecutorMode = 'proxy' | 'value';

/** One measured mode. */
export interface ExecutorRow {
  readonly mode: ExecutorMode;
  /** Bytes of each task's input and of its result. */
  readonly size: number;
  /** Tasks submitted at once per repetition. */
  readonly tasks: number;
  /** Worker processes taking the jobs. */
  readonly workers: number;
  /** Seconds per repetition: first submit to every result held by the client. */
  readonly seconds: { readonly median: number; readonly min: number; readonly max: number };
  /** Bytes Redis received per task (its `total_net_input_bytes`), median over repetitions. */
  readonly redisBytesPerTask: number;
}

/** How much the group runs. */
export interface ExecutorPlan {
  readonly size: number;
  readonly tasks: number;
  readonly workers: number;
  readonly repetitions: number;
}

/** A role's settings, its one argument (JSON). */
export interface ExecutorRoleArgs {
  readonly queue: string;
  readonly redisPort: number;
  /** The name of the store both roles register. */
  readonly store: string;
}
