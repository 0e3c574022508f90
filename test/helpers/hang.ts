/**
 * Hang detection for fault tests. A fault test proves that an operation ends, and how (which
 * error, naming what); how fast is the benchmarks' business. So an outcome may take any time up
 * to a generous bound, several times what a healthy run takes, and only missing that bound
 * fails the test: a loaded machine makes it slow, never wrong. The time taken is reported.
 */

/**
 * `work`'s result, or a failure saying it hangs when it has not settled within `boundMs`.
 * @param work - the operation in flight.
 * @param what - what it is, for the failure.
 * @param boundMs - the generous bound.
 */
export async function settlesWithin<T>(work: Promise<T>, what: string, boundMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${boundMs} ms: it hangs.`)), boundMs);
  });
  try {
    return await Promise.race([work, hang]);
  } finally {
    clearTimeout(timer);
  }
}
