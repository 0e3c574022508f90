/**
 * The soak script's short version, as CI runs it: `scripts/soak/main.ts --quick` (about 10 s of
 * load on 3 mesh processes with a few hundred waiters) as a child process, judged by its exit
 * code and its `soak-result` line.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { SoakSummary } from '../../scripts/soak/protocol.js';

const SCRIPT = fileURLToPath(new URL('../../scripts/soak/main.ts', import.meta.url));

/** Runs the soak script with arguments; resolves with its exit code and output. */
function soak(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the soak script', () => {
  // Under mixed load across 3 processes every value reads back byte-identical, no unexpected error occurs, and every peer ends empty.
  it('passes its short run with zero mismatches and zero leftovers', async () => {
    const { code, stdout, stderr } = await soak(['--quick']);
    const line = stdout.split('\n').find((l) => l.startsWith('soak-result '));
    expect(line, `no soak-result line in:\n${stdout}\n${stderr}`).toBeDefined();
    const result = JSON.parse((line ?? '').slice('soak-result '.length)) as SoakSummary;
    expect({ code, pass: result.pass, mismatches: result.mismatches, leftovers: result.leftovers, errors: result.errors, failures: result.failures }, stdout).toEqual({
      code: 0,
      pass: true,
      mismatches: 0,
      leftovers: 0,
      errors: {},
      failures: [],
    });
    expect(stdout).toMatch(/mismatches: 0/);
    expect(stdout).toMatch(/leftovers: none/);
    // It really did the work: values crossed processes, futures were set remotely, hundreds waited at once.
    for (const kind of ['put', 'get (remote)', 'evict', 'newKey', 'set', 'await (woken with the value)']) {
      expect(result.operations[kind] ?? 0, kind).toBeGreaterThan(0);
    }
    expect(result.peakWaiters).toBeGreaterThanOrEqual(200);
    expect(result.peakStreams).toBeGreaterThan(0);
    expect(result.peakStreams).toBeLessThanOrEqual(result.peakWaiters);
    expect(result.verifiedBytes).toBeGreaterThan(0);
    expect(result.memory).toHaveLength(3);
  }, 120_000);

  // A bad option is a usage error (exit code 2) that says which option, before any process starts.
  it('refuses a bad option with exit code 2', async () => {
    const { code, stderr } = await soak(['--processes', '0']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--processes must be a positive integer, got "0"/);
  });
});
