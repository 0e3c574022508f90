#!/usr/bin/env node
/**
 * The `proxymesh` command (package `bin`). See `proxymesh --help`; the commands live in
 * ./commands, the exit codes in ./exit-codes.ts.
 * @module
 */

// grpc-js writes its own error lines to stderr ("E No address added…") at a verbosity it reads
// from the environment once, when it loads: quiet it before anything imports it, so a failure
// is the command's one line. --debug, or an explicit GRPC_VERBOSITY, keeps grpc-js's output.
if (!process.argv.includes('--debug')) process.env['GRPC_VERBOSITY'] ??= 'NONE';

// A closed stdout (`proxymesh get KEY | head -c 10`) is the reader's choice, not our failure:
// end quietly, as a Unix tool killed by SIGPIPE would, instead of crashing on the 'error' event.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const { run } = await import('./run.js');
const code = await run(process.argv);

// The command is over: exit now rather than when the event loop drains, so a handle some
// library part failed to release (a half-started server, a lingering channel) cannot keep a
// finished command alive. Flush first: on some platforms pipe writes are asynchronous.
const flushed = (stream: NodeJS.WriteStream): Promise<void> => new Promise((resolve) => stream.write('', () => resolve()));
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit(code);
