/**
 * Bytes in and out of the command: a file or stdin in, stdout or a file out. Errors from the
 * file system become one sentence naming the path, and large reads report progress.
 * @module
 */
import { open, writeFile } from 'node:fs/promises';
import { PROGRESS_MIN_BYTES, type Progress } from './progress.js';
import { formatBytes } from './units.js';

/** An input or output that could not be used: the message names the path and the reason. */
export class FileError extends Error {
  override name = 'FileError';
}

// "ENOENT: no such file or directory, open 'x'" → "no such file or directory".
function reason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const match = /^[A-Z]+: (.*?)(?:, \w+ '.*')?$/.exec(error.message);
  return match?.[1] ?? error.message;
}

/** Wraps a file-system error in a one-sentence `FileError`. */
export function fileError(error: unknown, verb: 'read' | 'write', path: string): FileError {
  return new FileError(`Cannot ${verb} ${path}: ${reason(error)}.`, { cause: error });
}

// Reads in pieces of this size so progress moves and memory holds one copy of the file.
const READ_BYTES = 4 * 2 ** 20;

async function readFileWithProgress(path: string, progress: Progress): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    // Pipes, devices and /proc files report size 0: read them as streams.
    if (size === 0) return await readStream(handle.createReadStream({ autoClose: false }), progress);
    const buffer = Buffer.allocUnsafeSlow(size);
    let offset = 0;
    while (offset < size) {
      const { bytesRead } = await handle.read(buffer, offset, Math.min(READ_BYTES, size - offset), offset);
      if (bytesRead === 0) break; // the file shrank while we read it: keep what is there
      offset += bytesRead;
      if (size > PROGRESS_MIN_BYTES) progress.show(`reading ${formatBytes(offset)} / ${formatBytes(size)}`);
    }
    return offset === size ? buffer : buffer.subarray(0, offset);
  } finally {
    await handle.close();
  }
}

async function readStream(stream: AsyncIterable<Buffer>, progress: Progress): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    chunks.push(chunk);
    total += chunk.length;
    if (total > PROGRESS_MIN_BYTES) progress.show(`reading ${formatBytes(total)}`);
  }
  return Buffer.concat(chunks, total);
}

/**
 * Reads the whole input: the file at `source`, or stdin when `source` is `-` or absent.
 * @throws FileError naming the path when it cannot be read.
 */
export async function readInput(source: string | undefined, progress: Progress): Promise<Uint8Array> {
  if (source === undefined || source === '-') return readStream(process.stdin, progress);
  try {
    return await readFileWithProgress(source, progress);
  } catch (error) {
    throw fileError(error, 'read', source);
  }
}

/**
 * Writes the bytes to the file at `target`, or to stdout when `target` is `-` or absent, and
 * resolves once they are handed to the OS.
 * @throws FileError naming the path when it cannot be written.
 */
export async function writeOutput(data: Uint8Array, target: string | undefined): Promise<void> {
  if (target !== undefined && target !== '-') {
    try {
      await writeFile(target, data);
    } catch (error) {
      throw fileError(error, 'write', target);
    }
    return;
  }
  await new Promise<void>((resolve, reject) => {
    // EPIPE: the reader closed the pipe; main.ts ends the process quietly on it.
    process.stdout.write(data, (error) => (error && (error as NodeJS.ErrnoException).code !== 'EPIPE' ? reject(error) : resolve()));
  });
}

/** Writes one line of text to stdout (a key, `true`, a table) and waits until it is flushed. */
export function printLine(text: string): Promise<void> {
  return writeOutput(Buffer.from(`${text}\n`), undefined);
}
