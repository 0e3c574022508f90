// The first step of `npm test`: the suite runs real services and tools that npm cannot install
// (a redis-server, network namespaces, openssl, Python's gRPC for the interop test). On a machine
// that lacks one, this installs it with apt-get when it can (Linux, root, apt-get present) and
// says so loudly; when it cannot, it says loudly which tests will fail and how to install what
// they need. It never makes a test skip: a test whose tool is missing fails with the same advice.
// Set PROXYMESH_TEST_NO_INSTALL=1 to be told without installing anything.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Whether `command` is an executable on PATH. */
function onPath(command) {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

const NEEDS = [
  { what: 'redis-server', tests: 'the Redis connector tests', present: () => onPath('redis-server'), apt: ['redis-server'], elsewhere: 'macOS: `brew install redis`' },
  { what: 'ip (iproute2)', tests: 'the multi-host partition tests (network namespaces, as root)', present: () => onPath('ip'), apt: ['iproute2'], elsewhere: 'Linux only' },
  { what: 'openssl', tests: 'the TLS tests (they make their certificates with it)', present: () => onPath('openssl'), apt: ['openssl'], elsewhere: 'macOS: `brew install openssl`' },
  {
    what: "Python's grpcio and grpcio-tools for /usr/bin/python3",
    tests: 'the other-language interop test',
    // Debian's modules are seen by /usr/bin/python3, not by a python3 earlier on PATH.
    present: () => spawnSync('/usr/bin/python3', ['-c', 'import grpc, grpc_tools.protoc'], { stdio: 'ignore' }).status === 0,
    apt: ['python3-grpcio', 'python3-grpc-tools', 'python3-pkg-resources'],
    elsewhere: '`pip install grpcio grpcio-tools` for /usr/bin/python3',
  },
];

const RULE = '='.repeat(100);
const loud = (lines) => process.stderr.write(`\n${RULE}\n${lines.map((l) => `npm test: ${l}`).join('\n')}\n${RULE}\n\n`);

let missing = NEEDS.filter((need) => !need.present());
const canInstall = process.platform === 'linux' && process.getuid?.() === 0 && onPath('apt-get') && process.env.PROXYMESH_TEST_NO_INSTALL !== '1';

if (missing.length > 0 && canInstall) {
  const packages = missing.flatMap((need) => need.apt);
  loud([`INSTALLING with apt-get what the tests need and this machine lacks: ${packages.join(' ')}`, ...missing.map((need) => `  ${need.what}, for ${need.tests}`)]);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  if (update.status === 0) spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { stdio: 'inherit', env });
  missing = NEEDS.filter((need) => !need.present());
  if (missing.length === 0) loud(['installed: every tool the tests need is now on this machine.']);
}

if (missing.length > 0) {
  loud([
    'MISSING what some tests need; those tests will FAIL (none is skipped), each saying what to install:',
    ...missing.map((need) => `  ${need.what}, for ${need.tests}. Debian/Ubuntu: \`apt-get install ${need.apt.join(' ')}\`; ${need.elsewhere}.`),
    canInstall
      ? 'apt-get could not install them (see its output above).'
      : process.env.PROXYMESH_TEST_NO_INSTALL === '1'
        ? 'PROXYMESH_TEST_NO_INSTALL=1: nothing was installed.'
        : 'Run `npm test` as root on Debian/Ubuntu to have them installed, or install them yourself.',
  ]);
}
