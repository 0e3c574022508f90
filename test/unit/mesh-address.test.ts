/** Peer addresses: the one "host:port" form (IPv6 bracketed) used in keys, configs and the CLI. */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { formatAddress, isLoopback, parseAddress } from '../../src/mesh/address.js';

/** Calls `parse` and returns what it threw, failing the test if it threw nothing. */
function thrown(parse: () => unknown): unknown {
  try {
    parse();
  } catch (error) {
    return error;
  }
  throw new Error('expected parseAddress to throw');
}

describe('parseAddress', () => {
  // IPv4 literals, DNS names and the port range ends parse to bare host plus numeric port.
  it.each([
    ['127.0.0.1:7001', '127.0.0.1', 7001],
    ['localhost:0', 'localhost', 0],
    ['node-12.cluster.example:65535', 'node-12.cluster.example', 65535],
    ['my_host:80', 'my_host', 80],
  ])('parses %s', (text, host, port) => {
    expect(parseAddress(text)).toEqual({ host, port });
  });

  // IPv6 hosts come in brackets and are returned bare.
  it.each([
    ['[::1]:7001', '::1', 7001],
    ['[fd00::2]:0', 'fd00::2', 0],
    ['[2001:db8::1:2]:443', '2001:db8::1:2', 443],
  ])('parses the bracketed IPv6 address %s', (text, host, port) => {
    expect(parseAddress(text)).toEqual({ host, port });
  });

  // formatAddress is the inverse of parseAddress, bracketing IPv6 hosts again.
  it.each(['127.0.0.1:7001', 'localhost:1', '[::1]:7001', '[fd00::2]:65535'])('round-trips %s', (text) => {
    expect(formatAddress(parseAddress(text))).toBe(text);
  });

  // formatAddress brackets an IPv6 host that was given bare.
  it('brackets a bare IPv6 host when formatting', () => {
    expect(formatAddress({ host: '::1', port: 9 })).toBe('[::1]:9');
    expect(formatAddress({ host: '10.0.0.1', port: 9 })).toBe('10.0.0.1:9');
  });

  // Every malformed address is an InvalidArgumentError whose message quotes the input and says why.
  it.each([
    ['127.0.0.1', /port is missing/],
    ['localhost', /port is missing/],
    ['', /port is missing/],
    ['host:', /is not a port/],
    ['host:65536', /"65536" is not a port/],
    ['host:99999', /"99999" is not a port/],
    ['host:-1', /is not a port/],
    ['host:7x', /"7x" is not a port/],
    ['host:123456', /is not a port/],
    ['::1:7001', /IPv6 hosts must be in brackets/],
    ['fd00::2:80', /IPv6 hosts must be in brackets/],
    ['[::1]', /needs brackets and a port/],
    ['[::1]7001', /needs brackets and a port/],
    ['[::1:7001', /needs brackets and a port/],
    ['[127.0.0.1]:7001', /is not an IPv6 address/],
    ['[not-v6]:7001', /is not an IPv6 address/],
    [':7001', /is not a host name/],
    ['bad host:7001', /is not a host name/],
    ['host/path:7001', /is not a host name/],
    ['-leading.dash:7001', /is not a host name/],
  ])('rejects %j', (text, why) => {
    const error = thrown(() => parseAddress(text));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toContain(`Invalid address ${JSON.stringify(text)}`);
    expect((error as Error).message).toMatch(why);
  });

  // The label says which address was bad ("listen address", "peer address").
  it('names the kind of address in the message', () => {
    expect(() => parseAddress('nope', 'listen address')).toThrow(/Invalid listen address "nope"/);
  });

  // A value that is not a string at all (JSON config, JavaScript callers) is refused by name, never crashes.
  it.each([
    [7001, '7001'],
    [undefined, 'undefined'],
    [null, 'null'],
    [{ host: 'a', port: 1 }, '{"host":"a","port":1}'],
    [['a:1'], '["a:1"]'],
    [10n, '10n'],
    [Symbol('s'), 'Symbol(s)'],
  ])('rejects the non-string %s', (value, shown) => {
    const error = thrown(() => parseAddress(value as unknown as string));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toContain(`Invalid address ${shown}: not a string`);
  });
});

describe('isLoopback', () => {
  // Loopback names and literals are recognised; other hosts are not.
  it('recognises loopback hosts only', () => {
    expect(['localhost', '::1', '127.0.0.1', '127.1.2.3'].map(isLoopback)).toEqual([true, true, true, true]);
    expect(['0.0.0.0', '::', '10.0.0.1', 'example.com', '128.0.0.1'].map(isLoopback)).toEqual([false, false, false, false, false]);
  });
});
