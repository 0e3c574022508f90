/**
 * What the fault tests share: fault-node processes (optionally inside a network namespace), a
 * `proxymesh peer` daemon process, and the shapes the fixture answers with.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ChildNode, type Reply } from '../helpers/child.js';
import { defer } from '../helpers/defer.js';
import type { MeshConnectorOptions } from '../../src/connectors/mesh-options.js';
import { CONTROL_CHANNEL_OPTIONS, TRANSFER_CHANNEL_OPTIONS } from '../../src/mesh/channel-options.js';
import type { MeshKey } from '../../src/mesh/key.js';
import type { Outcome } from '../fixtures/fault-node.js';

export type { Outcome };
export type Deferred = { key: MeshKey; capability: string };
export type Described = { codec: string; size: number; sha256: string; text?: string } | null;
export type Stats = { peer: string; incarnation: string; objects: number; bytes: number; pendingKeys: number; waiters: number };

const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Starts test/fixtures/fault-node.ts with these connector options. `prefix` runs it under a
 * wrapper command (`ip netns exec NS`), which must exec the node process in place, so that
 * signals sent to the child reach node itself.
 */
export function spawnFaultNode(options: MeshConnectorOptions = {}, prefix: readonly string[] = []): ChildNode {
  const fixture = fileURLToPath(new URL('../fixtures/fault-node.ts', import.meta.url));
  const argv = [...prefix, process.execPath, '--import', 'tsx', fixture, JSON.stringify(options)];
  const [command, ...args] = argv as [string, ...string[]];
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], cwd: root });
  const { promise: ready, resolve, reject } = defer();
  const node = new ChildNode(child, ready);
  child.once('exit', (code) => reject(new Error(`fault-node exited (${code}) before it was ready: ${node.stderr}`)));
  createInterface({ input: child.stdout }).on('line', (line) => {
    const reply = JSON.parse(line) as Reply;
    if (reply.ready) resolve();
    else node.deliver(reply);
  });
  return node;
}

/** A free TCP port on loopback (free when this returns; tests bind it right away). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** A running `proxymesh peer` daemon. */
export interface Daemon {
  /** Its advertised address, as it printed it. */
  readonly address: string;
  readonly pid: number;
  /** Sends a signal (SIGKILL by default) and waits for the process to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `proxymesh peer --listen <listen>` from the sources and waits for its address line. */
export async function startDaemon(listen: string): Promise<Daemon> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'peer', '--listen', listen], { stdio: ['ignore', 'pipe', 'pipe'], cwd: root });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const address = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    void exited.then(() => reject(new Error(`proxymesh peer --listen ${listen} exited before printing its address: ${stderr}`)));
  });
  return {
    address,
    pid: child.pid ?? -1,
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** The outcomes of a watch that are errors, with everything a test asserts on. */
export function failures(outcomes: readonly Outcome[]): Outcome[] {
  return outcomes.filter((o) => !o.ok);
}

function channelOption(name: string, fallback: number, options = CONTROL_CHANNEL_OPTIONS): number {
  const value = options[name] as unknown;
  return typeof value === 'number' ? value : fallback;
}

/**
 * The longest a client takes to notice, by keepalive alone, that a connection went silent
 * (no reset): the next ping goes out up to keepalive_time after the last one and is declared
 * lost keepalive_timeout later. Read from the options the mesh really uses: waits and small
 * calls on the control channel, objects (`'transfer'`) on the transfer channel.
 */
export function keepaliveWorstMs(channel: 'control' | 'transfer' = 'control'): number {
  const options = channel === 'control' ? CONTROL_CHANNEL_OPTIONS : TRANSFER_CHANNEL_OPTIONS;
  return channelOption('grpc.keepalive_time_ms', 0, options) + channelOption('grpc.keepalive_timeout_ms', 20_000, options);
}

/**
 * How long a connection attempt to a host that does not answer TCP (a cut link) may take before
 * it fails: `grpc-node.tcp_connect_timeout_ms` (src/mesh/client/tcp-connect-timeout.ts).
 */
export function connectTimeoutMs(): number {
  return channelOption('grpc-node.tcp_connect_timeout_ms', 20_000);
}

/**
 * How long a whole connection attempt may take, TCP and the peer's HTTP/2 settings: how long a
 * live peer slow to accept is waited for (nice-grpc's connect timeout, `grpc.min_reconnect_backoff_ms`).
 */
export function attemptTimeoutMs(): number {
  return channelOption('grpc.min_reconnect_backoff_ms', 20_000);
}

/**
 * How long a ping may go unanswered before keepalive declares the connection dead: a peer
 * frozen for less than this is never reported dead, whatever the ping's phase.
 */
export function keepaliveTimeoutMs(channel: 'control' | 'transfer' = 'control'): number {
  return channelOption('grpc.keepalive_timeout_ms', 20_000, channel === 'control' ? CONTROL_CHANNEL_OPTIONS : TRANSFER_CHANNEL_OPTIONS);
}
