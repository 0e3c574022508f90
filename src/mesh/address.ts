/**
 * Peer addresses, "host:port", with IPv6 hosts in brackets ("[::1]:7001"): the one form used
 * in keys, configs and on the command line.
 * @module
 */
import { isIP } from 'node:net';
import { InvalidArgumentError } from '../errors.js';
import { describeInput } from '../util/describe-input.js';

/** A parsed address. `host` is bare (no brackets), `port` 0–65535. */
export interface Address {
  /** Host name or IP literal, without brackets. */
  readonly host: string;
  /** Port number, 0–65535. */
  readonly port: number;
}

// A DNS name or IPv4 literal: letters, digits, dots, hyphens, underscores.
const HOSTNAME = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,252}[A-Za-z0-9_])?$/;


/**
 * Parses "host:port" ("[v6]:port" for IPv6).
 * @param text - the address.
 * @param what - what the address is, for the error message (e.g. `listen address`).
 * @returns the host (unbracketed) and port.
 * @throws InvalidArgumentError naming the input when it is not an address.
 */
export function parseAddress(text: string, what = 'address'): Address {
  const bad = (why: string): InvalidArgumentError =>
    new InvalidArgumentError(`Invalid ${what} ${describeInput(text)}: ${why}. Use host:port, for example 127.0.0.1:7001 or [::1]:7001.`);
  if (typeof text !== 'string') throw bad('not a string');
  let host: string;
  let portText: string;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0 || text[close + 1] !== ':') throw bad('an IPv6 host needs brackets and a port, as in [::1]:7001');
    host = text.slice(1, close);
    portText = text.slice(close + 2);
    if (isIP(host) !== 6) throw bad(`${describeInput(host)} is not an IPv6 address`);
  } else {
    const colon = text.lastIndexOf(':');
    if (colon < 0) throw bad('the port is missing');
    host = text.slice(0, colon);
    portText = text.slice(colon + 1);
    if (host.includes(':')) throw bad('IPv6 hosts must be in brackets');
    if (!HOSTNAME.test(host)) throw bad(`${describeInput(host)} is not a host name`);
  }
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) throw bad(`${describeInput(portText)} is not a port (0-65535)`);
  return { host, port: Number(portText) };
}

/**
 * Formats an address in the canonical form, bracketing IPv6 hosts.
 * @param address - the host and port.
 * @returns "host:port", or "[v6]:port".
 */
export function formatAddress({ host, port }: Address): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Whether the host is a loopback address or name. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
