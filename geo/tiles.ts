/**
 * Web-Mercator tile addressing (XYZ, as MapLibre requests it). Pure, shared by the API's tile
 * routes and the client.
 */
export const MAX_TILE_ZOOM = 22;
export const TILE_EXTENT = 4096;
/** Tile buffer in tile units: features just outside are kept so symbols and lines do not cut at edges. */
export const TILE_BUFFER = 64;

export interface TileAddress {
  z: number;
  x: number;
  y: number;
}

/** Why `z/x/y` is not a tile, or null when it is one. */
export function tileAddressProblem({ z, x, y }: TileAddress): string | null {
  if (!Number.isInteger(z) || z < 0 || z > MAX_TILE_ZOOM) return `zoom must be an integer 0–${MAX_TILE_ZOOM}; got ${z}`;
  const n = 2 ** z;
  if (!Number.isInteger(x) || x < 0 || x >= n) return `x must be an integer 0–${n - 1} at zoom ${z}; got ${x}`;
  if (!Number.isInteger(y) || y < 0 || y >= n) return `y must be an integer 0–${n - 1} at zoom ${z}; got ${y}`;
  return null;
}

function lon(x: number, n: number): number {
  return (x / n) * 360 - 180;
}

function lat(y: number, n: number): number {
  const r = Math.PI - (2 * Math.PI * y) / n;
  return (180 / Math.PI) * Math.atan(Math.sinh(r));
}

/** The tile's bounds in longitude/latitude, grown by `buffer` tile units on each side. */
export function tileBounds({ z, x, y }: TileAddress, buffer = 0): [number, number, number, number] {
  const n = 2 ** z;
  const b = buffer / TILE_EXTENT;
  return [
    Math.max(-180, lon(x - b, n)), Math.max(-85.0511287798066, lat(y + 1 + b, n)),
    Math.min(180, lon(x + 1 + b, n)), Math.min(85.0511287798066, lat(y - b, n)),
  ];
}
