/**
 * A small least-recently-used cache whose entries are only valid for one data version: when
 * the catalog changes, everything cached before is dropped at once. Rendered pages, trending
 * lists and similar papers are cached this way.
 *
 * @example const html = await cache.get(version, `paper:${id}`, () => renderPaper(id))
 */
export class VersionedCache<V> {
  private version = '';
  private readonly entries = new Map<string, Promise<V>>();

  constructor(private readonly capacity: number) {}

  async get(version: string, key: string, compute: () => Promise<V>): Promise<V> {
    if (version !== this.version) {
      this.entries.clear();
      this.version = version;
    }
    const hit = this.entries.get(key);
    if (hit) {
      // Re-insert, so the Map's order is least recently used first.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const value = compute();
    this.entries.set(key, value);
    // A failed computation is not remembered, so the next request tries again.
    value.catch(() => this.entries.delete(key));
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }
}
