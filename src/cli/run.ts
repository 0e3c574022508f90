/**
 * Runs one command line and turns its outcome into an exit code. This is where errors become
 * the one line on stderr (`proxymesh: …`) and the documented exit codes.
 * @module
 */
import { CommanderError } from 'commander';
import { ExitCode, exitCodeFor } from './exit-codes.js';
import { buildProgram, type GlobalOptions } from './program.js';
import { statusLine } from './progress.js';
import { oneLine, reportError } from './report.js';
import { packageVersion } from './version.js';

// Help and --version end parsing with a CommanderError whose exit code is 0.
function isHelpOrVersion(error: CommanderError): boolean {
  return error.exitCode === 0;
}

/**
 * Runs the command line `argv` (as `process.argv`: node, script, arguments...).
 * @returns the exit code: the command's own (e.g. `exists` → 3 for false) or the error's.
 */
export async function run(argv: readonly string[]): Promise<number> {
  const program = buildProgram(packageVersion());
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok;
  } catch (error) {
    statusLine.clear();
    if (error instanceof CommanderError) {
      if (isHelpOrVersion(error)) return ExitCode.ok;
      // "error: missing required argument 'key'" → "proxymesh get: missing required argument 'key'…"
      const command = argv.slice(2).find((a) => program.commands.some((c) => c.name() === a));
      const where = command === undefined ? 'proxymesh' : `proxymesh ${command}`;
      process.stderr.write(`${where}: ${oneLine(error).replace(/^error: /, '')} (see ${where} --help)\n`);
      return ExitCode.usage;
    }
    reportError(error, program.opts<GlobalOptions>().debug === true);
    return exitCodeFor(error);
  }
}
