import { describe, expect, it } from 'vitest';
import { compileCql2, type Queryable } from '../../api/ogc/cql2-sql.js';
import { Cql2Error, parseCql2Text } from '../../geo/cql2.js';
import { seededRandom } from '../../api/demo/random.js';

/** The project's seeded generator (api/demo/random.ts), so a failing case is reproducible from its index. */

/** An incidents-like collection; two properties read differently named columns. */
const QUERYABLES: Record<string, Queryable> = {
  status: { column: 'status', type: 'string' },
  category: { column: 'category_code', type: 'string' },
  priority: { column: 'priority', type: 'integer' },
  score: { column: 'severity_score', type: 'number' },
  resolved: { column: 'resolved', type: 'boolean' },
  reported_at: { column: 'reported_at', type: 'datetime' },
  due: { column: 'due_date', type: 'date' },
  location: { column: 'geom', type: 'geometry' },
};

const compile = (text: string, firstParam = 1) => compileCql2(parseCql2Text(text), QUERYABLES, firstParam);

/**
 * Everything the compiler may write: column references from the catalogue, typed placeholders,
 * SQL keywords and functions it uses, operators and parentheses. No quotes, no semicolons, no
 * comments, no caller text.
 */
const SQL_TOKEN =
  /t\."(?:status|category_code|priority|severity_score|resolved|reported_at|due_date|geom)"|\$\d+::(?:text|bigint|double precision|boolean|timestamptz|date)(?:\[\])?|\b(?:AND|OR|NOT|LIKE|BETWEEN|IS|NULL|ANY|ALL|ST_Intersects|ST_SetSRID|ST_GeomFromGeoJSON|ST_MakeEnvelope|4326)\b|<>|<=|>=|[=<>(),]|\s+/g;

function expectOnlyCompilerSql(sql: string): void {
  expect(sql.replace(SQL_TOKEN, '')).toBe('');
  expect(sql.startsWith('(') && sql.endsWith(')')).toBe(true);
}

function compileError(text: string, queryables: Record<string, Queryable> = QUERYABLES): Cql2Error {
  try {
    compileCql2(parseCql2Text(text), queryables, 1);
  } catch (error) {
    expect(error).toBeInstanceOf(Cql2Error);
    return error as Cql2Error;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
}

describe('CQL2 to SQL: representative filters', () => {
  it.each<[string, string, unknown[]]>([
    ["status = 'open'", '(t."status" = $1::text)', ['open']],
    ["category <> 'fire'", '(t."category_code" <> $1::text)', ['fire']],
    ["status < 'm'", '(t."status" < $1::text)', ['m']],
    ['priority >= 2', '(t."priority" >= $1::bigint)', [2]],
    ['priority > 2.5', '(t."priority" > $1::double precision)', [2.5]],
    ['priority = 9007199254740993', '(t."priority" = $1::double precision)', [9007199254740992]],
    ['3 < priority', '(t."priority" > $1::bigint)', [3]],
    ['score <= -0.5', '(t."severity_score" <= $1::double precision)', [-0.5]],
    ['resolved = TRUE', '(t."resolved" = $1::boolean)', [true]],
    ['resolved <> false', '(t."resolved" <> $1::boolean)', [false]],
    ["reported_at > TIMESTAMP('2026-11-23T10:00:00Z')", '(t."reported_at" > $1::timestamptz)', ['2026-11-23T10:00:00Z']],
    ["due = DATE('2026-11-23')", '(t."due_date" = $1::date)', ['2026-11-23']],
    ["status LIKE 'op%'", '(t."status" LIKE $1::text)', ['op%']],
    ["status NOT LIKE '\\%_'", '(t."status" NOT LIKE $1::text)', ['\\%_']],
    ["status IN ('open', 'closed')", '(t."status" = ANY($1::text[]))', [['open', 'closed']]],
    ["status NOT IN ('open')", '(t."status" <> ALL($1::text[]))', [['open']]],
    ['priority IN (1, 2)', '(t."priority" = ANY($1::bigint[]))', [[1, 2]]],
    ['priority IN (1, 2.5)', '(t."priority" = ANY($1::double precision[]))', [[1, 2.5]]],
    ['score IN (1)', '(t."severity_score" = ANY($1::double precision[]))', [[1]]],
    ['resolved IN (TRUE)', '(t."resolved" = ANY($1::boolean[]))', [[true]]],
    [
      "reported_at IN (TIMESTAMP('2026-11-23T10:00:00Z'))",
      '(t."reported_at" = ANY($1::timestamptz[]))',
      [['2026-11-23T10:00:00Z']],
    ],
    ["due NOT IN (DATE('2026-11-23'))", '(t."due_date" <> ALL($1::date[]))', [['2026-11-23']]],
    ['priority BETWEEN 1 AND 3', '(t."priority" BETWEEN $1::bigint AND $2::bigint)', [1, 3]],
    ['priority NOT BETWEEN 1 AND 3.5', '(t."priority" NOT BETWEEN $1::bigint AND $2::double precision)', [1, 3.5]],
    [
      "reported_at BETWEEN TIMESTAMP('2026-11-01T00:00:00Z') AND TIMESTAMP('2026-12-01T00:00:00Z')",
      '(t."reported_at" BETWEEN $1::timestamptz AND $2::timestamptz)',
      ['2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z'],
    ],
    ["status BETWEEN 'a' AND 'm'", '(t."status" BETWEEN $1::text AND $2::text)', ['a', 'm']],
    ['status IS NULL', '(t."status" IS NULL)', []],
    ['location IS NOT NULL', '(t."geom" IS NOT NULL)', []],
    [
      'S_INTERSECTS(location, BBOX(120, 30, 120.5, 30.5))',
      '(ST_Intersects(t."geom", ST_MakeEnvelope($1::double precision, $2::double precision, $3::double precision, $4::double precision, 4326)))',
      [120, 30, 120.5, 30.5],
    ],
    [
      'S_INTERSECTS(location, POINT(120.1 30.2))',
      '(ST_Intersects(t."geom", ST_SetSRID(ST_GeomFromGeoJSON($1::text), 4326)))',
      ['{"type":"Point","coordinates":[120.1,30.2]}'],
    ],
    [
      'S_INTERSECTS(POLYGON((0 0, 1 0, 1 1, 0 0)), location)',
      '(ST_Intersects(t."geom", ST_SetSRID(ST_GeomFromGeoJSON($1::text), 4326)))',
      ['{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}'],
    ],
    [
      "status = 'open' OR priority = 1 AND NOT resolved = TRUE",
      '((t."status" = $1::text) OR ((t."priority" = $2::bigint) AND (NOT (t."resolved" = $3::boolean))))',
      ['open', 1, true],
    ],
  ])('%s', (text, sql, params) => {
    const compiled = compile(text);
    expect(compiled).toEqual({ sql, params });
    expectOnlyCompilerSql(compiled.sql);
  });

  it('numbers placeholders from firstParam so the filter can follow the caller’s own parameters', () => {
    expect(compile("status = 'open' AND priority IN (1, 2) AND S_INTERSECTS(location, BBOX(0, 0, 1, 1))", 4)).toEqual({
      sql:
        '((t."status" = $4::text) AND (t."priority" = ANY($5::bigint[])) AND ' +
        '(ST_Intersects(t."geom", ST_MakeEnvelope($6::double precision, $7::double precision, $8::double precision, $9::double precision, 4326))))',
      params: ['open', [1, 2], 0, 0, 1, 1],
    });
  });

  it('refuses a bad firstParam and a bad catalogue entry as our bug, not the caller’s', () => {
    const expr = parseCql2Text("status = 'open'");
    expect(() => compileCql2(expr, QUERYABLES, 0)).toThrow(/firstParam/);
    expect(() => compileCql2(expr, QUERYABLES, 1.5)).toThrow(/firstParam/);
    const bad = { ...QUERYABLES, status: { column: 'status" OR 1=1 --', type: 'string' } } satisfies Record<string, Queryable>;
    const error = (() => {
      try {
        compileCql2(expr, bad, 1);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(Cql2Error);
    expect(() => compileCql2(expr, { status: { column: 'Status', type: 'string' } }, 1)).toThrow(/invalid column/);
  });
});

describe('CQL2 to SQL: unknown properties and type mismatches', () => {
  it('names the unknown property and the queryables', () => {
    const error = compileError("colour = 'red'");
    expect(error.message).toBe(
      'unknown property "colour"; queryables: category, due, location, priority, reported_at, resolved, score, status',
    );
    expect(error.position).toBeNull();
  });

  it('matches property names exactly and only against the allow-list’s own keys', () => {
    for (const name of ['Status', 'geom', 'category_code', '__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(compileError(`"${name}" IS NULL`).message).toMatch(/^unknown property/);
    }
  });

  it.each([
    ['status = 1', /"status" is string: "=" needs a string, found a number/],
    ["priority = '1'", /"priority" is integer: "=" needs a number, found a string/],
    ["score IN (1, 'x')", /"score" is number: IN needs a number, found a string/],
    ["resolved = 'true'", /"resolved" is boolean/],
    ['resolved < TRUE', /only = and <> apply/],
    ["reported_at > DATE('2026-11-23')", /"reported_at" is datetime: ">" needs a TIMESTAMP/],
    ["due = TIMESTAMP('2026-11-23T10:00:00Z')", /"due" is date: "=" needs a DATE/],
    ["reported_at = '2026-11-23T10:00:00Z'", /"reported_at" is datetime/],
    ["priority LIKE '1%'", /LIKE needs a string property; "priority" is integer/],
    ["location LIKE 'x'", /LIKE needs a string property/],
    ["location = 'POINT(1 2)'", /"location" is geometry: "=" needs a geometry \(use S_INTERSECTS\)/],
    ['S_INTERSECTS(status, POINT(1 2))', /S_INTERSECTS needs a geometry property; "status" is string/],
    ['resolved BETWEEN FALSE AND TRUE', /BETWEEN needs an ordered property/],
    ["priority BETWEEN 1 AND '3'", /"priority" is integer: BETWEEN needs a number/],
  ])('rejects %s', (text, message) => {
    const error = compileError(text);
    expect(error.message).toMatch(message);
    expect(error.position).toBeNull();
  });

  it('reports the first problem even deep inside the expression', () => {
    expect(compileError("status = 'a' AND (priority = 1 OR NOT nope IS NULL)").message).toMatch(/unknown property "nope"/);
  });
});

describe('CQL2 to SQL: injection attempts', () => {
  it.each([
    [`"status" = 'x'; DROP TABLE incidents; --'`, 14],
    [`status = 'x' OR 1=1 --`, 16], // literal = literal is refused before the comment is reached
    [`status = 'x' -- ' OR 1=1`, 13],
    [`status) OR (1=1`, 6],
    [`status = 'x') OR ('1'='1`, 12],
    [`"status\\"--" = 'a'`, 9], // backslash does not escape: "status\" is the name, then "-"
    [`status = 'x' ; SELECT pg_sleep(10)`, 13],
    [`status = 'x' UNION SELECT password FROM accounts`, 13],
    [`status = E'\\x27'`, 9], // E is read as a property: two properties compared
    [`status = 'x' OR ST_Distance(location, location) > 0`, 16],
    [`status = $$x$$`, 9],
    [`status = 'x'::text`, 12],
    [`status = '\\'); DROP TABLE x; --'`, 12], // CQL2 has no backslash escape: the string is one backslash
  ])('refuses %s', (text, position) => {
    expect(compileError(text)).toMatchObject({ position });
  });

  it.each([
    [`status = 'x''; DROP TABLE incidents; --'`, `x'; DROP TABLE incidents; --`],
    [`status = 'x'' OR 1=1 --'`, `x' OR 1=1 --`],
    [`status LIKE '%'' OR ''1''=''1'`, `%' OR '1'='1`],
    [`status = '$1::text) OR TRUE OR ($2'`, `$1::text) OR TRUE OR ($2`],
    [`status = '"t"."status" IS NOT NULL --'`, `"t"."status" IS NOT NULL --`],
    [`status = 'x\u202e) OR 1=1 --'`, `x\u202e) OR 1=1 --`],
    [`status = '''\uff07 OR 1=1'`, `'\uff07 OR 1=1`],
  ])('keeps the string %s in the parameters, never in the SQL', (text, attacker) => {
    const { sql, params } = compile(text);
    expect(params).toContain(attacker);
    expect(sql).not.toContain(attacker);
    expect(sql).not.toMatch(/DROP|--|;|'|OR 1|TRUE/);
    expectOnlyCompilerSql(sql);
  });

  it('keeps an IN list as one array parameter', () => {
    const { sql, params } = compile(`status IN ('a'')) OR 1=1 --', 'b')`);
    expect(sql).toBe('(t."status" = ANY($1::text[]))');
    expect(params).toEqual([["a')) OR 1=1 --", 'b']]);
  });

  it('never writes a property name from the filter, even one the allow-list knows', () => {
    const queryables: Record<string, Queryable> = {
      'status; DROP TABLE x': { column: 'status', type: 'string' },
      'status"--': { column: 'category_code', type: 'string' },
    };
    expect(compileCql2(parseCql2Text(`"status; DROP TABLE x" = 'a'`), queryables, 1)).toEqual({
      sql: '(t."status" = $1::text)',
      params: ['a'],
    });
    expect(compileCql2(parseCql2Text(`"status""--" IS NULL`), queryables, 1)).toEqual({
      sql: '(t."category_code" IS NULL)',
      params: [],
    });
  });

  it('refuses hostile property names the allow-list does not know', () => {
    for (const text of [`"status; DROP TABLE x" = 'a'`, `"status""--" = 'a'`, `"t"".""status" IS NULL`, `"status\u202e" = 'a'`]) {
      expect(compileError(text).message).toMatch(/^unknown property/);
    }
  });
});


const SOUP = [
  'AND', 'or', 'NOT', 'LIKE', 'IN', 'BETWEEN', 'IS', 'NULL', 'TRUE', 'false', 'NaN', 'Infinity',
  'status', 'priority', 'score', 'resolved', 'reported_at', 'due', 'location', 'nope', '"status"', '"a""b"', '"',
  "'open'", "'O''Brien'", "'%x_'", "'", "''", "'\\'", '0', '1', '-2.5', '1e3', '1e999', '.5', '1.2.3', '-', '+',
  '(', ')', '((', '))', ',', '=', '<>', '<', '<=', '>', '>=', '!=', ';', '--', '/*', '$1', '::',
  'S_INTERSECTS(', 'BBOX(', 'POINT(', 'LINESTRING(', 'POLYGON((', 'MULTIPOINT(', 'MULTILINESTRING((', 'MULTIPOLYGON(((',
  'EMPTY', 'Z', 'TIMESTAMP(', "'2026-11-23T10:00:00Z'", 'DATE(', "'2026-11-23'", 'T_INTERSECTS(', 'CASEI(',
  '\u202e', '\uff07', '\u200b', '\u3000', '\u0000', '\ud800', '😀', '街道',
];

const SEEDS = [
  "status = 'open' AND priority IN (1, 2, 3)",
  'NOT (score BETWEEN 1 AND 2) OR resolved = TRUE',
  "S_INTERSECTS(location, POLYGON((0 0, 1 0, 1 1, 0 0))) AND reported_at > TIMESTAMP('2026-11-23T10:00:00Z')",
  "status NOT LIKE 'x%' AND due IS NOT NULL AND S_INTERSECTS(location, BBOX(0, 0, 1, 1))",
];

/** Either token soup, or a valid filter with a few characters deleted, duplicated or replaced. */
function fuzzCase(random: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  if (random() < 0.5) {
    const n = 1 + Math.floor(random() * 30);
    return Array.from({ length: n }, () => pick(SOUP)).join(random() < 0.7 ? ' ' : '');
  }
  let text = pick(SEEDS);
  const edits = 1 + Math.floor(random() * 4);
  for (let k = 0; k < edits; k++) {
    const at = Math.floor(random() * (text.length + 1));
    const r = random();
    if (r < 0.33) text = text.slice(0, at) + text.slice(at + 1);
    else if (r < 0.66) text = text.slice(0, at) + text.slice(at, at + 1 + Math.floor(random() * 5)) + text.slice(at);
    else text = text.slice(0, at) + String.fromCharCode(Math.floor(random() * 128)) + text.slice(at + 1);
  }
  return text;
}

describe('CQL2 fuzz', () => {
  it('throws nothing but Cql2Error and compiles only to compiler-written SQL', () => {
    const random = seededRandom(20261123);
    let accepted = 0;
    let slowest = 0;
    for (let i = 0; i < 4000; i++) {
      const text = fuzzCase(random);
      const started = performance.now();
      try {
        const { sql } = compileCql2(parseCql2Text(text), QUERYABLES, 1);
        expectOnlyCompilerSql(sql);
        accepted++;
      } catch (error) {
        if (!(error instanceof Cql2Error)) throw new Error(`case ${i} ${JSON.stringify(text)} threw ${String(error)}`);
        expect(error.position === null || (error.position >= 0 && error.position <= text.length)).toBe(true);
      }
      slowest = Math.max(slowest, performance.now() - started);
    }
    console.info(`slowest fuzz case: ${slowest.toFixed(1)} ms`);
    expect(accepted).toBeGreaterThan(10); // the mutations leave some filters valid, so the compiler is exercised too
  });

  it('handles the largest hostile inputs (each throws Cql2Error or compiles)', () => {
    const hostile = [
      '('.repeat(4096),
      'NOT '.repeat(1024),
      `a = '${"''".repeat(2047)}`,
      `a = '${"''".repeat(499)}'` + ' OR a = 1'.repeat(300),
      `S_INTERSECTS(location, MULTIPOINT(${'0 0,'.repeat(1000)}0 0))`,
      `status IN (${"'x',".repeat(800)}'x')`,
      '"'.repeat(4096),
      "'".repeat(4096),
      '1'.repeat(4096),
    ];
    for (const text of hostile) {
      try {
        compileCql2(parseCql2Text(text), QUERYABLES, 1);
      } catch (error) {
        expect(error).toBeInstanceOf(Cql2Error);
      }
    }
  });
});
