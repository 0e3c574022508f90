/**
 * gRPC options shared by every peer and client. Measured on this stack: the
 * 16 MiB flow-control window is the biggest lever for streamed transfers, and message limits
 * must be raised on both ends so a 4 MiB piece plus protobuf framing is accepted.
 *
 * A client keeps two channels per peer, because keepalive cannot serve both kinds of call at
 * once. A keepalive ack travels behind whatever data the other end has already queued on the
 * connection (up to the 16 MiB window), and a process sharing its cores with 15 others takes
 * seconds to drain that: with 2 s + 2 s on every call, the 16-peer benchmark dropped 4–159 of
 * ~960 live gets as dead (BENCHMARKS.md, Tuning: "Keepalive: two channels per peer"). Waits
 * carry no data while they wait and must find a dead owner within 5 s, so they keep the quick
 * setting; transfers get a patient one.
 * @module
 */
import type { ChannelOptions } from '@grpc/grpc-js';
import { MAX_CHUNK_BYTES } from './wire/chunks.js';

const MESSAGE_LIMIT = MAX_CHUNK_BYTES + 64 * 1024;

/** Options for client channels that wait (Await) and ask (Exists, Evict, NewKey, Stats). */
export const CONTROL_CHANNEL_OPTIONS: ChannelOptions = {
  'grpc.max_receive_message_length': MESSAGE_LIMIT,
  'grpc.max_send_message_length': MESSAGE_LIMIT,
  'grpc-node.flow_control_window': 16 * 1024 * 1024,
  // Keepalive pings find a dead or frozen owner (no TCP reset) while a consumer waits on a quiet
  // Await stream: measured, 2 s + 2 s reports it in about 4 s, within the 5 s the design asks
  // (5 s + 5 s took 10 s). Only while calls are open, so idle channels stay silent.
  'grpc.keepalive_time_ms': 2_000,
  'grpc.keepalive_timeout_ms': 2_000,
  'grpc.keepalive_permit_without_calls': 0,
  // Reconnect quickly after a peer restarts on the same address.
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 2_000,
  // A connection attempt: TCP within 5 s, or the host is reported (a cut link, a host gone
  // without a reset); then the peer's own HTTP/2 settings within 60 s in all, during which calls
  // wait for the connection, each within its deadline (tcp-connect-timeout.ts, client-pool.ts).
  // A peer alive but slow to accept (a GC pause, a host crowded with starting processes) answers
  // TCP at once and is waited for. One 5 s bound on the whole attempt made that a congestion
  // collapse: 32 processes starting at once on two cores timed out every attempt, tore down the
  // half-made connections and started again, and all 1,056 gets and futures failed; 20 s still
  // failed 151 of them on a busier host (BENCHMARKS.md, Tuning: "Crowded hosts"). A refused or
  // reset connection fails at once, as before.
  'grpc-node.tcp_connect_timeout_ms': 5_000,
  'grpc.min_reconnect_backoff_ms': 60_000,
};

/**
 * How long a ping's answer may take on a connection that carries objects, at either end. grpc-js
 * counts only the answer, not the data still arriving meanwhile, and the answer queues behind
 * every byte already in flight: on a crowded host (16 peers each getting 15 objects of 4 MiB at
 * once while the host ran other work), the 15 s clients gave and the 10 s servers gave dropped
 * 142 and 144 of ~390 live gets as "Connection dropped"; with 60 s at both ends, none (Tuning
 * §27). A slow transfer is not a dead one; a call that must end sooner gives a deadline.
 */
const PATIENT_PING_TIMEOUT_MS = 60_000;

/**
 * Options for client channels that move objects (Get, Put, Set, GetBatch, PutBatch): an owner
 * that dies mid-transfer without a reset is found within 5 s + 60 s (see above).
 */
export const TRANSFER_CHANNEL_OPTIONS: ChannelOptions = {
  ...CONTROL_CHANNEL_OPTIONS,
  'grpc.keepalive_time_ms': 5_000,
  'grpc.keepalive_timeout_ms': PATIENT_PING_TIMEOUT_MS,
};

/**
 * Options for peer servers: their pings free the state of clients that vanished without a reset
 * (within 10 s + 60 s; a client that went away closed its connection, which frees it at once).
 * Gets queue data ahead of the server's ping, puts ahead of the client's answer (see above).
 */
export const SERVER_OPTIONS: ChannelOptions = {
  'grpc.max_receive_message_length': MESSAGE_LIMIT,
  'grpc.max_send_message_length': MESSAGE_LIMIT,
  'grpc.keepalive_time_ms': 10_000,
  'grpc.keepalive_timeout_ms': PATIENT_PING_TIMEOUT_MS,
};
