/**
 * Stands in for mnemonist's `lru-cache` in the Lambda bundles only (service/build.ts aliases it). Its one user there
 * is @aws-sdk/endpoint-cache, the DynamoDB client's cache for endpoint discovery (off unless enabled), which calls
 * get, set, has, peek and clear; mnemonist's typed-array LRU and its iterator helpers cost every bundle about 7 KB.
 * A Map keeps insertion order, so moving an entry to the end on use makes it least-recently-used first.
 */
export default class LRUCache<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    if (!this.entries.has(key)) return undefined;
    const value = this.entries.get(key) as V;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  /** The value without marking it used. */
  peek(key: K): V | undefined {
    return this.entries.get(key);
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  set(key: K, value: V): this {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as K);
    return this;
  }

  clear(): void {
    this.entries.clear();
  }
}
