import type { Kysely } from 'kysely';

export type EngineKind = 'pglite' | 'postgres';

/**
 * What differs between the two engines, detected once at start (see `detectCapabilities`).
 * Code that needs an engine-specific path asks this object, never `kind`.
 */
export interface EngineCapabilities {
  /** `ST_AsMVT` works (PostGIS built with protobuf-c). False on PGlite's PostGIS. */
  readonly mvt: boolean;
  readonly serverVersion: string;
  readonly postgisVersion: string;
  readonly geosVersion: string;
}

/** Anything that runs one parameterised SQL statement: the database or an open transaction. */
export interface Queryable {
  /** Runs one statement with `$1…` parameters; returns its rows (empty for statements without rows). */
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<R[]>;
}

/** An open transaction: parameterised statements plus multi-statement scripts (migrations). */
export interface Transaction extends Queryable {
  execScript(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly kind: EngineKind;
  /** Kysely over the same connection(s), for short typed queries. */
  readonly kysely: Kysely<any>;
  readonly capabilities: EngineCapabilities;
  /** Runs `fn` in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T>;
  /** Runs a multi-statement SQL script (no parameters) in one transaction. */
  execScript(sql: string): Promise<void>;
  close(): Promise<void>;
}
