import LRUCache from './lru-cache';

describe('the LRU cache the bundles use for the SDK\'s endpoint cache', () => {
  it('evicts the least recently used entry past its capacity; get marks an entry used, peek does not', () => {
    const cache = new LRUCache<string, number>(2);
    cache.set('a', 1).set('b', 2);
    expect(cache.get('a')).toBe(1); // a is now the most recent
    cache.set('c', 3);
    expect([cache.has('a'), cache.has('b'), cache.has('c')]).toEqual([true, false, true]);
    expect(cache.peek('a')).toBe(1);
    cache.set('d', 4); // peek did not mark a used, so a (used before c was set) goes
    expect([cache.has('a'), cache.has('c'), cache.has('d')]).toEqual([false, true, true]);
  });

  it('replaces a value in place and clears', () => {
    const cache = new LRUCache<string, number>(1);
    cache.set('a', 1).set('a', 2);
    expect(cache.get('a')).toBe(2);
    cache.clear();
    expect(cache.has('a')).toBe(false);
    expect(cache.get('a')).toBeUndefined();
  });
});
