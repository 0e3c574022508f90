/**
 * The types of ownership proxies. At run time each is a transparent proxy of `T`; the types
 * add what they are (for the ownership functions' signatures) and, for owners and borrows,
 * `using` support.
 * @module
 */

declare const owned: unique symbol;
declare const shared: unique symbol;
declare const mutable: unique symbol;

/** Owns an object in a store: evicted when released (`using`) or garbage-collected. */
export type OwnedProxy<T> = T &
  Disposable &
  AsyncDisposable & {
    /** A type-only brand (no such property exists at run time): tells an owner from a borrow. */
    readonly [owned]: true;
  };
/** A shared borrow of an `OwnedProxy`: read-only by convention; many may coexist. */
export type RefProxy<T> = T &
  Disposable &
  AsyncDisposable & {
    /** A type-only brand (no such property exists at run time): tells a shared borrow apart. */
    readonly [shared]: true;
  };
/** A mutable borrow of an `OwnedProxy`: the only borrow while it lives; `update` writes back. */
export type RefMutProxy<T> = T &
  Disposable &
  AsyncDisposable & {
    /** A type-only brand (no such property exists at run time): tells a mutable borrow apart. */
    readonly [mutable]: true;
  };
