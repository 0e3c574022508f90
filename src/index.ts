/**
 * proxymesh: ProxyStore's model (Store, transparent lazy proxies, futures, pluggable
 * connectors) in TypeScript, over a gRPC peer-to-peer data mesh.
 *
 * This file is the package's one public door: everything exported here is the API.
 * @packageDocumentation
 */
export * from './errors.js';
export type {
  AwaitableConnector,
  CallOptions,
  Connector,
  ConnectorClass,
  ConnectorConfig,
  ConnectorSetOptions,
  DeferrableConnector,
  CapabilityIssuer,
  ExpirableConnector,
  InProcessConnector,
  JsonValue,
  Payload,
  PreparableConnector,
  ReplaceableConnector,
  SyncReadableConnector,
} from './core/protocol.js';
export { canReadSync, isAwaitable, isDeferrable, isExpirable, isInProcess, isPreparable, isReplaceable, issuesCapabilities } from './core/connector-guards.js';
export { connectorFromConfig, registerConnectorKind } from './connectors/registry.js';
export { LocalConnector } from './connectors/local.js';
export type { LocalConnectorOptions, LocalKey } from './connectors/local.js';
export type { ObjectIdKey } from './core/connector-input.js';
export type { TableStats } from './core/object-table.js';
export { MeshConnector } from './connectors/mesh.js';
export type { PeerStats } from './connectors/mesh.js';
export type { MeshConnectorOptions } from './connectors/mesh-options.js';
export { Peer } from './mesh/server/peer.js';
export type { PeerOptions } from './mesh/server/peer.js';
export type { TlsOptions } from './mesh/security.js';
export { formatKey, parseKey, toMeshKey } from './mesh/key.js';
export type { MeshKey } from './mesh/key.js';
export { formatAddress, parseAddress } from './mesh/address.js';
export type { Address } from './mesh/address.js';
export { createProxy } from './proxy/create.js';
export type { CreateProxyOptions } from './proxy/create.js';
export { extract, getFactory, getKey, getReference, isProxy, isResolved, resolve, resolveAsync } from './proxy/control.js';
export type { Factory, ProxyHooks } from './proxy/factory.js';
export type { ProxyReference, ReferenceKind, ReferencePolling, StoreConfig, TargetShape } from './core/reference.js';
export { Store } from './store/store.js';
export type { ObjectStore } from './store/object-store.js';
export type { StoreOptions, PutOptions, SetOptions, GetOptions, WaitOptions, ProxyOptions, ProxyFromKeyOptions, FutureOptions } from './store/options.js';
export { getStore, registerStore, unregisterStore } from './store/registry.js';
export type { RegisterOptions } from './store/registry.js';
export { getOrCreateStore } from './store/get-or-create.js';
export type { GetOrCreateOptions } from './store/get-or-create.js';
export type { StoreMetrics, TimeStats, KeyMetrics } from './store/metrics.js';
export type { PollingOptions } from './store/polling.js';
export type { Cached } from './store/cache.js';
export { ContextLifetime } from './store/lifetimes/context-lifetime.js';
export { LeaseLifetime } from './store/lifetimes/lease-lifetime.js';
export type { LeaseLifetimeOptions } from './store/lifetimes/lease-lifetime.js';
export { StaticLifetime } from './store/lifetimes/static-lifetime.js';
export { BaseLifetime } from './store/lifetimes/base-lifetime.js';
export type { LifetimeOptions } from './store/lifetimes/base-lifetime.js';
export type { Lifetime, LifetimeCloseOptions, LifetimeStore } from './store/lifetimes/lifetime.js';
export type { StoreHandle, StoreOpener } from './store/lifetimes/attached-keys.js';
export type { LifetimeOption } from './store/options.js';
export type { OwnedProxy, RefProxy, RefMutProxy } from './store/ownership/types.js';
export { borrow, mutBorrow } from './store/ownership/borrow.js';
export type { BorrowOptions } from './store/ownership/borrow.js';
export { clone, intoOwned, release } from './store/ownership/owned.js';
export type { IntoOwnedOptions } from './store/ownership/owned.js';
export { update } from './store/ownership/update.js';
export type { UpdateOptions } from './store/ownership/update.js';
export { markRefsOutOfScope, submit } from './store/ownership/scopes.js';
export type { SubmitOptions } from './store/ownership/scopes.js';
export { isOwnedProxy, isRefProxy, isRefMutProxy } from './store/ownership/make.js';
export { setBlockingResolver } from './store/blocking-resolver.js';
export type { BlockingResolver } from './store/blocking-resolver.js';
export { Future } from './store/future.js';
export type { FutureSettings, ResultOptions } from './store/future.js';
export { reviver } from './store/reviver.js';
export { serialize, deserialize } from './serialize/serialize.js';
export { registerCodec, unregisterCodec, getCodec, CUSTOM_CODEC_TAG } from './serialize/registry.js';
export type { Codec } from './serialize/codec.js';
export type { Serializer, Deserializer } from './serialize/custom.js';
export { FileConnector } from './connectors/file.js';
export type { FileConnectorOptions, FileConnectorStats, FileKey } from './connectors/file.js';
export { RedisConnector } from './connectors/redis.js';
export type { RedisConnectorOptions, RedisConnectorStats, RedisKey } from './connectors/redis.js';
export { MultiConnector } from './connectors/multi.js';
export type { MultiConnectorOptions, MultiPutOptions } from './connectors/multi.js';
export type { MultiKey } from './connectors/multi-key.js';
export type { MultiMember } from './connectors/multi-members.js';
export type { Policy, PlacementOptions } from './connectors/multi-policy.js';
export { readStoreConfig, writeStoreConfig } from './store/config-file.js';
export { StoreExecutor } from './executor/store-executor.js';
export type { AnyTasks, StoreExecutorOptions, TaskArgs, TaskResult } from './executor/store-executor.js';
export { proxyAlways, proxyLargerThan, proxyNever, proxyType, proxyWhen } from './executor/policy.js';
export type { PolicySpec, ProxyPolicy, TypeMatcher } from './executor/policy.js';
export { defineTasks, runTask } from './executor/tasks.js';
export type { TaskFunction, TaskRegistry, TaskTable } from './executor/tasks.js';
export type { TaskEngine, TaskMessage, TaskReply } from './executor/engine.js';
export { TaskError } from './executor/errors.js';
export { localEngine } from './executor/local-engine.js';
export { piscinaEngine } from './executor/piscina.js';
export type { PiscinaEngineOptions } from './executor/piscina.js';
export { piscinaWorker } from './executor/piscina-worker.js';
export type { PiscinaTaskData } from './executor/piscina-worker.js';
export { bullmqEngine } from './executor/bullmq.js';
export type { BullmqEngineOptions } from './executor/bullmq.js';
export { bullmqWorker } from './executor/bullmq-worker.js';
export type { BullmqWorkerHandle, BullmqWorkerOptions } from './executor/bullmq-worker.js';
export type { BullmqOptions, RedisConnectionOptions } from './executor/bullmq-connection.js';
export { StreamProducer } from './stream/producer.js';
export type { StreamProducerOptions, SendOptions, ProducerCloseOptions } from './stream/producer.js';
export { StreamConsumer } from './stream/consumer.js';
export type { StreamConsumerOptions, ConsumerCloseOptions } from './stream/consumer.js';
export type { Publisher, Subscriber, Filter, StreamMetadata } from './stream/protocols.js';
export { TopicClosedError } from './stream/errors.js';
export { nullFilter, samplingFilter } from './stream/filters.js';
export { MessageQueue, QueuePublisher, QueueSubscriber, queuePair } from './stream/shims/queue.js';
export type { QueuePair } from './stream/shims/queue.js';
export { RedisPublisher, RedisSubscriber } from './stream/shims/redis-pubsub.js';
export { RedisStreamPublisher, RedisStreamSubscriber } from './stream/shims/redis-streams.js';
export type { RedisStreamPublisherOptions, RedisStreamSubscriberOptions } from './stream/shims/redis-streams.js';
export type { RedisTarget } from './stream/shims/redis-connection.js';
export { MeshTopicPublisher, MeshTopicSubscriber } from './stream/shims/mesh-topic.js';
export type { TopicClientOptions } from './mesh/client/topic-client.js';
export type { TopicOptions } from './mesh/server/topic-table.js';
