/**
 * Compiles a parsed CQL2 filter (geo/cql2.ts) to a parameterised PostgreSQL/PostGIS boolean
 * expression, for `WHERE <scope> AND <sql>` over a table aliased `t`.
 *
 * Two rules keep caller text out of the SQL:
 *  - a property name from the filter is only a key into the collection's allow-list of queryables;
 *    the SQL names the allow-list's column, which comes from our own catalogue (and is still
 *    checked against `COLUMN`, because a bad catalogue entry must fail loudly, not quietly quote);
 *  - every literal is a bound parameter `$n` with an explicit cast, so PostgreSQL never infers a
 *    type from the text and the comparison is the one the queryable's type promises.
 * Types are checked here, against the queryable, so a mismatch is a 400 naming the property and not
 * a database error at run time.
 *
 * Geometry columns are assumed to be `geometry` in EPSG:4326, the SRID of CQL2's default CRS84
 * (longitude, latitude). LIKE keeps CQL2's wildcards (`%`, `_`), which are PostgreSQL's, and its
 * escape character, backslash, which is PostgreSQL's default LIKE escape.
 */

import {
  Cql2Error,
  type Cql2ComparisonOperator,
  type Cql2Expr,
  type Cql2Value,
} from '../../geo/cql2.js';

export type QueryableType = 'string' | 'integer' | 'number' | 'boolean' | 'datetime' | 'date' | 'geometry';

/** One filterable property of a collection: the column it reads and what it holds. */
export interface Queryable {
  /** Column of the table aliased `t`; trusted catalogue text matching `COLUMN`. */
  column: string;
  type: QueryableType;
}

export interface CompiledCql2 {
  /** A parenthesised boolean expression. */
  sql: string;
  /** Values for `$firstParam`, `$firstParam + 1`, ... in order. */
  params: unknown[];
}

const COLUMN = /^[a-z_][a-z0-9_]*$/;

/** The value type a queryable accepts, and how to describe it in an error. */
const ACCEPTS: Record<QueryableType, { value: Cql2Value['type'] | null; noun: string }> = {
  string: { value: 'string', noun: 'a string' },
  integer: { value: 'number', noun: 'a number' },
  number: { value: 'number', noun: 'a number' },
  boolean: { value: 'boolean', noun: 'TRUE or FALSE' },
  datetime: { value: 'timestamp', noun: 'a TIMESTAMP(...)' },
  date: { value: 'date', noun: 'a DATE(...)' },
  geometry: { value: null, noun: 'a geometry (use S_INTERSECTS)' },
};

const VALUE_NOUN: Record<Cql2Value['type'], string> = {
  string: 'a string',
  number: 'a number',
  boolean: 'a boolean',
  timestamp: 'a timestamp',
  date: 'a date',
};

/** Types with an order, so `<`, `>`, BETWEEN mean something. */
const ORDERED = new Set<QueryableType>(['string', 'integer', 'number', 'datetime', 'date']);

interface ResolvedProperty {
  name: string;
  /** `t."column"`, from the catalogue. */
  ref: string;
  type: QueryableType;
}

/**
 * The SQL type a value is cast to for a queryable. Integer columns get bigint for whole numbers (so
 * an index on the column is usable) and double precision otherwise (`count > 2.5` still means what
 * it says); bigint cannot hold an integer beyond 2^53 exactly, so those go as double precision too.
 */
function castFor(type: QueryableType, values: readonly Cql2Value[]): string {
  switch (type) {
    case 'string':
      return 'text';
    case 'integer':
      return values.every((v) => v.type === 'number' && Number.isSafeInteger(v.value)) ? 'bigint' : 'double precision';
    case 'number':
      return 'double precision';
    case 'boolean':
      return 'boolean';
    case 'datetime':
      return 'timestamptz';
    case 'date':
      return 'date';
    case 'geometry':
      throw new Error('unreachable: geometry values are not literals');
  }
}

class Compiler {
  readonly params: unknown[] = [];

  constructor(
    private readonly queryables: Record<string, Queryable>,
    private readonly firstParam: number,
  ) {}

  /** Adds a parameter and returns its placeholder. */
  private bind(value: unknown, cast: string): string {
    this.params.push(value);
    return `$${this.firstParam + this.params.length - 1}::${cast}`;
  }

  /** Own properties only, so `constructor` or `__proto__` in a filter is just an unknown name. */
  private resolve(name: string): ResolvedProperty {
    if (!Object.hasOwn(this.queryables, name)) {
      const known = Object.keys(this.queryables).sort();
      throw new Cql2Error(`unknown property ${JSON.stringify(name)}; queryables: ${known.join(', ') || '(none)'}`, null);
    }
    const q = this.queryables[name]!;
    return { name, ref: `t."${q.column}"`, type: q.type };
  }

  private checkValue(p: ResolvedProperty, value: Cql2Value, context: string): void {
    const accepts = ACCEPTS[p.type];
    if (accepts.value !== value.type) {
      throw new Cql2Error(
        `property ${JSON.stringify(p.name)} is ${p.type}: ${context} needs ${accepts.noun}, found ${VALUE_NOUN[value.type]}`,
        null,
      );
    }
  }

  compile(expr: Cql2Expr): string {
    switch (expr.op) {
      case 'and':
      case 'or':
        return `(${expr.args.map((a) => this.compile(a)).join(expr.op === 'and' ? ' AND ' : ' OR ')})`;
      case 'not':
        return `(NOT ${this.compile(expr.arg)})`;
      case 'cmp':
        return this.comparison(this.resolve(expr.property), expr.cmp, expr.value);
      case 'like': {
        const p = this.resolve(expr.property);
        if (p.type !== 'string') throw new Cql2Error(`LIKE needs a string property; ${JSON.stringify(p.name)} is ${p.type}`, null);
        return `(${p.ref} ${expr.negated ? 'NOT LIKE' : 'LIKE'} ${this.bind(expr.pattern, 'text')})`;
      }
      case 'in': {
        const p = this.resolve(expr.property);
        for (const v of expr.values) this.checkValue(p, v, 'IN');
        const array = this.bind(
          expr.values.map((v) => v.value),
          `${castFor(p.type, expr.values)}[]`,
        );
        return expr.negated ? `(${p.ref} <> ALL(${array}))` : `(${p.ref} = ANY(${array}))`;
      }
      case 'between': {
        const p = this.resolve(expr.property);
        if (!ORDERED.has(p.type)) throw new Cql2Error(`BETWEEN needs an ordered property; ${JSON.stringify(p.name)} is ${p.type}`, null);
        this.checkValue(p, expr.low, 'BETWEEN');
        this.checkValue(p, expr.high, 'BETWEEN');
        const low = this.bind(expr.low.value, castFor(p.type, [expr.low]));
        const high = this.bind(expr.high.value, castFor(p.type, [expr.high]));
        return `(${p.ref} ${expr.negated ? 'NOT BETWEEN' : 'BETWEEN'} ${low} AND ${high})`;
      }
      case 'isNull': {
        const p = this.resolve(expr.property);
        return `(${p.ref} ${expr.negated ? 'IS NOT NULL' : 'IS NULL'})`;
      }
      case 's_intersects': {
        const p = this.resolve(expr.property);
        if (p.type !== 'geometry') {
          throw new Cql2Error(`S_INTERSECTS needs a geometry property; ${JSON.stringify(p.name)} is ${p.type}`, null);
        }
        if (expr.bbox) {
          const [a, b, c, d] = expr.bbox.map((n) => this.bind(n, 'double precision'));
          return `(ST_Intersects(${p.ref}, ST_MakeEnvelope(${a}, ${b}, ${c}, ${d}, 4326)))`;
        }
        const geometry = this.bind(JSON.stringify(expr.geometry), 'text');
        return `(ST_Intersects(${p.ref}, ST_SetSRID(ST_GeomFromGeoJSON(${geometry}), 4326)))`;
      }
    }
  }

  private comparison(p: ResolvedProperty, cmp: Cql2ComparisonOperator, value: Cql2Value): string {
    this.checkValue(p, value, `"${cmp}"`);
    if (!ORDERED.has(p.type) && cmp !== '=' && cmp !== '<>') {
      throw new Cql2Error(`property ${JSON.stringify(p.name)} is ${p.type}: only = and <> apply`, null);
    }
    return `(${p.ref} ${cmp} ${this.bind(value.value, castFor(p.type, [value]))})`;
  }
}

/**
 * SQL and parameters for `expr`, with placeholders numbered from `firstParam` (so it can follow the
 * caller's own parameters). Throws `Cql2Error` for an unknown property or a type mismatch (a 400),
 * and a plain `Error` for a bad catalogue entry or `firstParam` (our bug, a 500).
 */
export function compileCql2(expr: Cql2Expr, queryables: Record<string, Queryable>, firstParam: number): CompiledCql2 {
  if (!Number.isSafeInteger(firstParam) || firstParam < 1) throw new Error(`firstParam must be a positive integer, got ${firstParam}`);
  for (const [name, q] of Object.entries(queryables)) {
    if (!COLUMN.test(q.column)) throw new Error(`queryable ${name} has an invalid column name ${JSON.stringify(q.column)}`);
    if (!Object.hasOwn(ACCEPTS, q.type)) throw new Error(`queryable ${name} has an invalid type ${JSON.stringify(q.type)}`);
  }
  const compiler = new Compiler(queryables, firstParam);
  const sql = compiler.compile(expr);
  return { sql, params: compiler.params };
}
