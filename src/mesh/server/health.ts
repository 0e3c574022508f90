/**
 * The standard gRPC health service (`grpc.health.v1.Health`), answering for the server as a
 * whole (service "") and for `proxymesh.v1.PeerService` by name; any other name is NOT_FOUND
 * (Check) or SERVICE_UNKNOWN (Watch). A peer that starts to shut down turns NOT_SERVING: open
 * Watch streams are told so and then ended, so they do not hold the shutdown's grace period.
 *
 * Written on bare grpc-js rather than served from nice-grpc-server-health: that package brings
 * nice-grpc's client and server and abort-controller-x into every peer for two small messages.
 * @module
 */
import type { ServerUnaryCall, ServerWritableStream, ServiceDefinition, sendUnaryData } from '@grpc/grpc-js';
import { status } from '../wire/grpc-runtime.js';
import { BinaryReader, BinaryWriter, WireType } from '@bufbuild/protobuf/wire';

/** The service's full name, as reflection lists it. */
export const HEALTH_SERVICE = 'grpc.health.v1.Health';

/** `grpc.health.v1.HealthCheckResponse.ServingStatus`. */
export const ServingStatus = { UNKNOWN: 0, SERVING: 1, NOT_SERVING: 2, SERVICE_UNKNOWN: 3 } as const;
type Serving = typeof ServingStatus.SERVING | typeof ServingStatus.NOT_SERVING;

// Messages are objects, as grpc-js expects (it takes a falsy request for a missing one).
interface Request { service: string }
interface Response { status: number }

/** `HealthCheckRequest { string service = 1; }`; unknown fields are skipped, as protobuf asks. */
function decodeRequest(bytes: Buffer): Request {
  const reader = new BinaryReader(bytes);
  let service = '';
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1 && wireType === WireType.LengthDelimited) service = reader.string();
    else reader.skip(wireType);
  }
  return { service };
}

const encodeRequest = ({ service }: Request): Buffer => Buffer.from(new BinaryWriter().tag(1, WireType.LengthDelimited).string(service).finish());

/** `HealthCheckResponse { ServingStatus status = 1; }`. */
const encodeResponse = ({ status }: Response): Buffer => Buffer.from(new BinaryWriter().tag(1, WireType.Varint).int32(status).finish());

function decodeResponse(bytes: Buffer): Response {
  const reader = new BinaryReader(bytes);
  let serving: number = ServingStatus.UNKNOWN;
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field === 1 && wireType === WireType.Varint) serving = reader.int32();
    else reader.skip(wireType);
  }
  return { status: serving };
}

const method = (name: string, responseStream: boolean) => ({
  path: `/${HEALTH_SERVICE}/${name}`,
  requestStream: false,
  responseStream,
  requestSerialize: encodeRequest,
  requestDeserialize: decodeRequest,
  responseSerialize: encodeResponse,
  responseDeserialize: decodeResponse,
});

/** The grpc-js definition of Check and Watch (requests are service names, responses statuses). */
export const healthDefinition: ServiceDefinition = { Check: method('Check', false), Watch: method('Watch', true) };

type Watch = ServerWritableStream<Request, Response>;

/** The statuses a peer reports, and the handlers that serve them. */
export class Health {
  readonly #statuses = new Map<string, Serving>();
  readonly #watches = new Set<{ service: string; call: Watch }>();

  /** @param services - the services reported SERVING by name besides "" (the server). */
  constructor(services: readonly string[]) {
    for (const service of ['', ...services]) this.#statuses.set(service, ServingStatus.SERVING);
  }

  #current(service: string): number {
    return this.#statuses.get(service) ?? ServingStatus.SERVICE_UNKNOWN;
  }

  /**
   * Reports every service NOT_SERVING and ends every Watch once it has been told: called when
   * the peer starts to drain. Idempotent.
   */
  drain(): void {
    for (const service of this.#statuses.keys()) this.#statuses.set(service, ServingStatus.NOT_SERVING);
    for (const watch of this.#watches) {
      if (watch.call.cancelled) continue;
      // Only a change is sent: a watcher of an unknown service has nothing new to hear.
      if (this.#statuses.has(watch.service)) watch.call.write({ status: ServingStatus.NOT_SERVING });
      watch.call.end();
    }
    this.#watches.clear();
  }

  /** The grpc-js handlers, for `server.addService(healthDefinition, health.handlers())`. */
  handlers(): { Check: (call: ServerUnaryCall<Request, Response>, callback: sendUnaryData<Response>) => void; Watch: (call: Watch) => void } {
    return {
      Check: (call, callback) => {
        const serving = this.#statuses.get(call.request.service);
        if (serving === undefined) callback({ code: status.NOT_FOUND, details: `Unknown service: ${JSON.stringify(call.request.service)}. This peer reports "" and proxymesh.v1.PeerService.` });
        else callback(null, { status: serving });
      },
      Watch: (call) => {
        const watch = { service: call.request.service, call };
        call.write({ status: this.#current(watch.service) });
        // A peer already draining answers once and ends; otherwise the stream stays open for changes.
        if (this.#current(watch.service) === ServingStatus.NOT_SERVING) return void call.end();
        this.#watches.add(watch);
        call.once('cancelled', () => this.#watches.delete(watch));
      },
    };
  }
}
