/**
 * A batch split by owner and put back together: `MeshConnector.getBatch` sends one call per
 * owner and must still answer in the caller's order.
 * @module
 */

/** Items that share an owner, with their positions in the original batch. */
export interface OwnerGroup<T> {
  /** The items, in batch order: never none. */
  readonly items: [T, ...T[]];
  /** Where each item stands in the original batch. */
  readonly positions: number[];
}

/**
 * `items` grouped by `ownerOf`, each group in batch order.
 * @param items - the batch.
 * @param ownerOf - the owner of an item (a name or an object); items whose owners are the same value (`Map` key equality) share a group.
 * @returns the groups, in order of each owner's first item.
 */
export function groupByOwner<T>(items: readonly T[], ownerOf: (item: T) => unknown): OwnerGroup<T>[] {
  const groups = new Map<unknown, OwnerGroup<T>>();
  items.forEach((item, position) => {
    const owner = ownerOf(item);
    const group = groups.get(owner);
    if (group === undefined) {
      groups.set(owner, { items: [item], positions: [position] });
    } else {
      group.items.push(item);
      group.positions.push(position);
    }
  });
  return [...groups.values()];
}

/**
 * Runs `fetch` for every group at once and puts the answers back in batch order.
 * @param count - the size of the original batch.
 * @param groups - from `groupByOwner`.
 * @param fetch - answers one group, one value per item in its order.
 * @returns one value per original item.
 */
export async function fetchGroups<T, V>(count: number, groups: readonly OwnerGroup<T>[], fetch: (items: [T, ...T[]]) => Promise<V[]>): Promise<V[]> {
  const values = new Array<V>(count);
  await Promise.all(
    groups.map(async ({ items, positions }) => {
      const answers = await fetch(items);
      positions.forEach((position, i) => (values[position] = answers[i] as V));
    }),
  );
  return values;
}
