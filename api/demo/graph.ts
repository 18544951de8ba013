/**
 * Region growing on the cell adjacency graph. Growing regions from seeds with a shortest-path search
 * (each cell joins the seed that reaches it first) always yields connected regions, because a
 * cell's predecessor on its shortest path belongs to the same seed. That is why townships, villages
 * and natural villages are grown this way rather than by nearest seed in the plane, which can leave
 * a village in two pieces.
 */

export interface Neighbour {
  readonly to: number;
  /** Distance between the two cells' sites, km. */
  readonly km: number;
}
export type Adjacency = readonly (readonly Neighbour[])[];

/** Min-heap on [priority, tie, node] compared lexicographically (deterministic ties). */
class Heap {
  private readonly items: [number, number, number][] = [];
  get size(): number {
    return this.items.length;
  }
  private less(a: [number, number, number], b: [number, number, number]): boolean {
    return a[0] < b[0] || (a[0] === b[0] && (a[1] < b[1] || (a[1] === b[1] && a[2] < b[2])));
  }
  push(item: [number, number, number]): void {
    const h = this.items;
    h.push(item);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }
  pop(): [number, number, number] | undefined {
    const h = this.items;
    if (h.length === 0) return undefined;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

/**
 * Multi-source shortest-path growth restricted to `nodes`. Returns, for every node, the index (into
 * `seeds`) of the seed that claims it. `cost` turns an edge into a path length.
 */
export function growRegions(
  adj: Adjacency,
  nodes: readonly number[],
  seeds: readonly number[],
  cost: (n: Neighbour) => number,
): Map<number, number> {
  const allowed = new Set(nodes);
  const label = new Map<number, number>();
  const dist = new Map<number, number>();
  const heap = new Heap();
  seeds.forEach((s, i) => {
    dist.set(s, 0);
    heap.push([0, i, s]);
  });
  while (heap.size > 0) {
    const [d, seed, node] = heap.pop()!;
    if (label.has(node)) continue;
    label.set(node, seed);
    for (const n of adj[node]!) {
      if (!allowed.has(n.to) || label.has(n.to)) continue;
      const nd = d + cost(n);
      const old = dist.get(n.to);
      if (old === undefined || nd < old) {
        dist.set(n.to, nd);
        heap.push([nd, seed, n.to]);
      }
    }
  }
  for (const node of nodes) {
    if (!label.has(node)) throw new Error(`growRegions: node ${node} unreachable from the seeds`);
  }
  return label;
}

/** Hop distances from `sources` within `nodes` (breadth-first). */
export function hopDistances(adj: Adjacency, nodes: readonly number[], sources: readonly number[]): Map<number, number> {
  const allowed = new Set(nodes);
  const dist = new Map<number, number>();
  let frontier = [...sources];
  for (const s of sources) dist.set(s, 0);
  for (let d = 1; frontier.length > 0; d++) {
    const next: number[] = [];
    for (const node of frontier) {
      for (const n of adj[node]!) {
        if (allowed.has(n.to) && !dist.has(n.to)) {
          dist.set(n.to, d);
          next.push(n.to);
        }
      }
    }
    frontier = next;
  }
  return dist;
}

/**
 * Splits connected `nodes` into `k` connected groups of similar size (in cells): farthest-point
 * seeding by hop count, then a few Lloyd-style rounds (regrow, move each seed to its group's medoid).
 * `firstSeed` fixes where the first group sits (e.g. the town seat). Returns the groups and their
 * seeds (each seed is a central member of its group: a natural "seat" for a village).
 */
export function splitIntoGroups(
  adj: Adjacency,
  nodes: readonly number[],
  k: number,
  firstSeed: number,
  rounds = 3,
): { groups: number[][]; seeds: number[] } {
  if (k <= 1 || nodes.length <= 1) return { groups: [nodes.slice()], seeds: [firstSeed] };
  k = Math.min(k, nodes.length);
  const seeds = [firstSeed];
  while (seeds.length < k) {
    const hops = hopDistances(adj, nodes, seeds);
    let best = -1;
    let bestHop = -1;
    for (const node of nodes) {
      const h = hops.get(node) ?? 0;
      if (h > bestHop) {
        bestHop = h;
        best = node;
      }
    }
    if (best < 0 || bestHop === 0) break;
    seeds.push(best);
  }
  // Hop count with a small Euclidean tie-breaker, so groups balance by number of cells.
  const cost = (n: Neighbour): number => 1 + 0.05 * n.km;
  let label = growRegions(adj, nodes, seeds, cost);
  for (let round = 0; round < rounds; round++) {
    const groups = collect(nodes, label, seeds.length);
    let moved = false;
    groups.forEach((group, i) => {
      if (i === 0) return; // the first group stays anchored on its seat
      const medoid = groupMedoid(adj, group);
      if (medoid !== seeds[i]) {
        seeds[i] = medoid;
        moved = true;
      }
    });
    if (!moved) break;
    label = growRegions(adj, nodes, seeds, cost);
  }
  return { groups: collect(nodes, label, seeds.length), seeds };
}

function collect(nodes: readonly number[], label: Map<number, number>, k: number): number[][] {
  const groups: number[][] = Array.from({ length: k }, () => []);
  for (const node of nodes) groups[label.get(node)!]!.push(node);
  return groups;
}

/** The member with the smallest sum of hop distances to the other members. */
function groupMedoid(adj: Adjacency, group: readonly number[]): number {
  let best = group[0]!;
  let bestSum = Infinity;
  for (const node of group) {
    const hops = hopDistances(adj, group, [node]);
    let sum = 0;
    for (const other of group) sum += hops.get(other) ?? 1e6;
    if (sum < bestSum) {
      bestSum = sum;
      best = node;
    }
  }
  return best;
}
