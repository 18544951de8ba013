import { readFileSync } from 'node:fs';
import type { RegionLevel } from '../../geo/layers.js';
import type { RegionNode } from '../../geo/region-tree.js';
import type { Queryable } from '../db/types.js';

const REGION_TREE_SQL = readFileSync(new URL('./region-tree.sql', import.meta.url), 'utf8');

export type { RegionNode };

interface RegionRow {
  code: string;
  parent_code: string | null;
  level: RegionLevel;
  kind: string | null;
  name: string;
  minx: number;
  miny: number;
  maxx: number;
  maxy: number;
}

/** The region tree; `null` when there are no regions (an empty database). */
export async function findRegionTree(db: Queryable): Promise<RegionNode | null> {
  const rows = await db.query<RegionRow>(REGION_TREE_SQL);
  const nodes = new Map<string, RegionNode>();
  for (const r of rows) {
    nodes.set(r.code, { code: r.code, name: r.name, level: r.level, kind: r.kind, bbox: [r.minx, r.miny, r.maxx, r.maxy], children: [] });
  }
  let root: RegionNode | null = null;
  for (const r of rows) {
    const node = nodes.get(r.code)!;
    const parent = r.parent_code ? nodes.get(r.parent_code) : undefined;
    if (parent) parent.children.push(node);
    else if (!root || node.level === 'county') root = node;
  }
  return root;
}
