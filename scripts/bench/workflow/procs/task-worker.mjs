// A warm task worker of the pipelining experiment (ProxyStore TPDS'24): a process forked by the
// client that imports the package by its name, as the README shows, and then runs the tasks the
// client sends it, as a workflow engine's worker would. Plain node, Node's default flags.
import { reviver } from 'proxymesh';
import { checkValue, sleep, valueOf, wallMs } from './serve.mjs';

/**
 * One task. Pipelined: `F*T` of work that needs no input, then the first synchronous use of the
 * input proxy (blocks until the previous task has set it), the remaining `(1-F)*T`, then
 * `setResult`. Sequential: the input is already set when the task starts; it uses it, then works T.
 */
async function runTask({ mode, i, T, F, size, task }) {
  const marks = { startAt: wallMs() };
  const { input, output } = JSON.parse(task, reviver);
  // The output is made while the task works (its compute), not after: it is part of T.
  const out = valueOf(size, i);
  const useInput = () => {
    const b = performance.now();
    checkValue(input, size, i - 1); // the first synchronous use: blocks until the value is here
    marks.blockedMs = performance.now() - b;
    marks.gotAt = wallMs();
  };
  if (mode === 'pipelined') {
    if (input !== undefined) {
      await sleep(F * T);
      useInput();
      await sleep((1 - F) * T);
    } else await sleep(T);
  } else {
    if (input !== undefined) useInput();
    await sleep(T);
  }
  marks.setStartAt = wallMs();
  const s = performance.now();
  await output.setResult(out);
  marks.setMs = performance.now() - s;
  marks.endAt = wallMs();
  return marks;
}

process.on('message', (msg) => {
  runTask(msg).then(
    (marks) => process.send({ id: msg.id, ok: true, marks }),
    (error) => process.send({ id: msg.id, ok: false, error: String(error?.stack ?? error) }),
  );
});
process.on('disconnect', () => process.exit(0));
process.send({ ready: true });
