/**
 * Several "hosts" on one machine, for partition tests: one Linux network namespace per host,
 * each with one interface `eth0` holding an address of a private /24, all plugged into a bridge
 * that lives in a namespace of its own (the "switch"). Nothing is created in the machine's own
 * namespace, so the addresses exist only inside these namespaces, never on a real network.
 *
 * ```
 *   ns <lab>-a  eth0 10.213.0.1 ─┐
 *   ns <lab>-b  eth0 10.213.0.2 ─┼─ p-a / p-b / p-c ── br0   (ns <lab>-sw)
 *   ns <lab>-c  eth0 10.213.0.3 ─┘
 * ```
 *
 * `cut(host)` takes that host's switch port down: a pulled cable. Packets to and from the host
 * vanish without a reset or an ICMP error, so the other hosts see silence, exactly as on a real
 * partition. `restore(host)` plugs it back.
 *
 * Needs root and `ip` (Debian: iproute2). `checkNetnsPrerequisites()` says precisely what is
 * missing. Namespace names carry the creating process's pid, so parallel runs do not collide and
 * the leftovers of a run that died are recognised and removed (`removeStaleLabs`).
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Every namespace a lab creates starts with this, followed by the creating pid. */
export const LAB_PREFIX = 'pmfault-';

/** One host of a lab. */
export interface NetHost {
  /** The short name given to `NetLab.create` ("a", "b", ...). */
  readonly name: string;
  /** The network namespace it lives in. */
  readonly netns: string;
  /** Its address inside the lab (no other namespace has it). */
  readonly address: string;
}

/** Runs `ip` with arguments; rejects with its stderr. */
async function ip(args: string[]): Promise<string> {
  try {
    const { stdout } = await run('ip', args, { timeout: 10_000 });
    return stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`ip ${args.join(' ')} failed: ${stderr.trim() || (error as Error).message}`, { cause: error });
  }
}

function findOnPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/sbin', '/usr/bin', '/bin'])) {
    if (dir === '') continue;
    try {
      accessSync(`${dir}/${command}`, constants.X_OK);
      return `${dir}/${command}`;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * Throws an error saying exactly what is missing when this process cannot build a lab: it must
 * be root, and `ip` (iproute2) must be installed. Partition tests call it so that they fail
 * loudly instead of skipping.
 */
export function checkNetnsPrerequisites(): void {
  const problems: string[] = [];
  if (process.platform !== 'linux') problems.push(`network namespaces need Linux (this is ${process.platform})`);
  if (process.getuid?.() !== 0) problems.push(`creating network namespaces needs root (running as uid ${process.getuid?.()}); run the suite as root, as .ci/run does`);
  if (!findOnPath('ip')) problems.push("the 'ip' command is missing; install it with: apt-get install -y iproute2");
  if (problems.length > 0) throw new Error(`Cannot run the multi-host partition tests: ${problems.join('; ')}.`);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Kills what still runs inside a namespace and deletes it. */
async function deleteNamespace(netns: string): Promise<void> {
  const pids = (await ip(['netns', 'pids', netns]).catch(() => '')).split(/\s+/).filter(Boolean).map(Number);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await ip(['netns', 'del', netns]);
}

/**
 * Removes the namespaces of labs whose creating process is dead (a run that crashed or was
 * killed before its cleanup), with whatever still runs inside them. Labs of live processes,
 * such as a parallel run, are left alone.
 */
export async function removeStaleLabs(): Promise<string[]> {
  const removed: string[] = [];
  const names = (await ip(['netns', 'list'])).split('\n').map((line) => line.split(' ')[0] ?? '');
  for (const netns of names) {
    const match = new RegExp(`^${LAB_PREFIX}(\\d+)-`).exec(netns);
    if (!match || pidAlive(Number(match[1]))) continue;
    await deleteNamespace(netns);
    removed.push(netns);
  }
  return removed;
}

/** A set of hosts in namespaces around one switch. */
export class NetLab {
  readonly #hosts = new Map<string, NetHost>();
  readonly #created: string[] = [];

  private constructor(
    /** The common prefix of this lab's namespaces, `pmfault-<pid>`. */
    readonly id: string,
    readonly subnet: string,
  ) {}

  get switchNetns(): string {
    return `${this.id}-sw`;
  }

  /**
   * Builds a lab with one host per name, addressed `<subnet>.1`, `<subnet>.2`, … in
   * `<subnet>.0/24`. Checks prerequisites and removes stale labs first; on failure, removes
   * what it had built and rethrows.
   */
  static async create(names: readonly string[], subnet = '10.213.0'): Promise<NetLab> {
    checkNetnsPrerequisites();
    await removeStaleLabs();
    const lab = new NetLab(`${LAB_PREFIX}${process.pid}`, subnet);
    try {
      await lab.#build(names);
    } catch (error) {
      await lab.destroy();
      throw error;
    }
    return lab;
  }

  async #build(names: readonly string[]): Promise<void> {
    const sw = this.switchNetns;
    await this.#addNamespace(sw);
    await ip(['-n', sw, 'link', 'add', 'br0', 'type', 'bridge']);
    await ip(['-n', sw, 'link', 'set', 'br0', 'up']);
    for (const [index, name] of names.entries()) {
      const host: NetHost = { name, netns: `${this.id}-${name}`, address: `${this.subnet}.${index + 1}` };
      await this.#addNamespace(host.netns);
      // Both ends are made where they belong: nothing appears in the machine's namespace.
      await ip(['-n', sw, 'link', 'add', this.#port(name), 'type', 'veth', 'peer', 'name', 'eth0', 'netns', host.netns]);
      await ip(['-n', sw, 'link', 'set', this.#port(name), 'master', 'br0']);
      await ip(['-n', sw, 'link', 'set', this.#port(name), 'up']);
      await ip(['-n', host.netns, 'link', 'set', 'lo', 'up']);
      await ip(['-n', host.netns, 'addr', 'add', `${host.address}/24`, 'dev', 'eth0']);
      await ip(['-n', host.netns, 'link', 'set', 'eth0', 'up']);
      this.#hosts.set(name, host);
    }
  }

  async #addNamespace(netns: string): Promise<void> {
    await ip(['netns', 'add', netns]);
    this.#created.push(netns);
  }

  #port(name: string): string {
    return `p-${name}`;
  }

  /** The host with this name. */
  host(name: string): NetHost {
    const host = this.#hosts.get(name);
    if (!host) throw new Error(`No host ${name} in lab ${this.id}.`);
    return host;
  }

  /** `argv` prefixed so that it runs inside the host's namespace. */
  command(name: string, argv: readonly string[]): string[] {
    return ['ip', 'netns', 'exec', this.host(name).netns, ...argv];
  }

  /** Cuts the host off: its switch port goes down, and its traffic is silently dropped. */
  async cut(name: string): Promise<void> {
    await ip(['-n', this.switchNetns, 'link', 'set', this.#port(name), 'down']);
  }

  /** Plugs the host back in. */
  async restore(name: string): Promise<void> {
    await ip(['-n', this.switchNetns, 'link', 'set', this.#port(name), 'up']);
  }

  /** Whether the host's link is up, as both ends of its cable see it. */
  async linkUp(name: string): Promise<boolean> {
    const port = await ip(['-n', this.switchNetns, '-o', 'link', 'show', this.#port(name)]);
    const eth0 = await ip(['-n', this.host(name).netns, '-o', 'link', 'show', 'eth0']);
    return [port, eth0].every((line) => /[<,]LOWER_UP[,>]/.test(line) && !/NO-CARRIER/.test(line));
  }

  /** Kills what still runs in the lab's namespaces and deletes them. Safe to call twice. */
  async destroy(): Promise<void> {
    const errors: string[] = [];
    for (const netns of this.#created.splice(0).reverse()) {
      await deleteNamespace(netns).catch((error: Error) => errors.push(error.message));
    }
    this.#hosts.clear();
    if (errors.length > 0) throw new Error(`Lab ${this.id} was not fully removed: ${errors.join('; ')}`);
  }
}
