import type { Queryable } from '../db/types.js';

/**
 * Results of analytics, kept until the data behind them change. The key holds the analytic, the
 * caller's database role and region scope (row-level security decides what a query sees, so two
 * scopes never share an entry), the parsed parameters, and the data version of every table the
 * analytic reads (`layer_versions`, bumped by statement triggers on each write: migrations 0004 and
 * 0007). A write therefore never has to find the entries it makes stale: the next request reads a
 * new version, misses, and recomputes; old entries age out of the LRU order.
 */
export class AnalyticsCache {
  private readonly entries = new Map<string, { value: unknown; bytes: number }>();
  private bytes = 0;
  hits = 0;
  misses = 0;

  /** `maxEntries` and `maxBytes` (estimated from the JSON size) bound the memory it holds. */
  constructor(readonly maxEntries = 256, readonly maxBytes = 256 * 1024 * 1024) {}

  /** The versions of `tables` in one query, as a key fragment such as `incidents=12,cameras=3`. */
  static async versionsOf(tx: Queryable, tables: readonly string[]): Promise<string> {
    const rows = await tx.query<{ layer_id: string; version: string | number }>(
      'SELECT layer_id, version FROM layer_versions WHERE layer_id = ANY($1::text[]) ORDER BY layer_id', [tables],
    );
    if (rows.length !== new Set(tables).size) {
      const known = new Set(rows.map((r) => r.layer_id));
      throw new Error(`layer_versions has no row for ${tables.filter((t) => !known.has(t)).join(', ')}`);
    }
    return rows.map((r) => `${r.layer_id}=${r.version}`).join(',');
  }

  /** The cached value for `key`, or the result of `compute` (stored, oldest entries dropped). */
  async getOrCompute<T>(key: string, compute: () => Promise<T>): Promise<{ value: T; cached: boolean }> {
    const hit = this.entries.get(key);
    if (hit) {
      // Refresh its place in the LRU order (a Map iterates in insertion order).
      this.entries.delete(key);
      this.entries.set(key, hit);
      this.hits++;
      return { value: hit.value as T, cached: true };
    }
    this.misses++;
    const value = await compute();
    const bytes = JSON.stringify(value)?.length ?? 0;
    if (bytes <= this.maxBytes) {
      this.entries.set(key, { value, bytes });
      this.bytes += bytes;
      for (const [k, e] of this.entries) {
        if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
        this.entries.delete(k);
        this.bytes -= e.bytes;
      }
    }
    return { value, cached: false };
  }

  get size(): number {
    return this.entries.size;
  }
}
