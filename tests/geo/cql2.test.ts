import { describe, expect, it } from 'vitest';
import { Cql2Error, DEFAULT_CQL2_LIMITS, parseCql2Text, type Cql2Expr, type Cql2Limits } from '../../geo/cql2.js';

const num = (value: number) => ({ type: 'number', value }) as const;
const str = (value: string) => ({ type: 'string', value }) as const;
const eq = (property: string, value: number): Cql2Expr => ({ op: 'cmp', cmp: '=', property, value: num(value) });

/** The Cql2Error `parse` throws; fails the test when it throws anything else or nothing. */
function errorOf(text: string, limits?: Partial<Cql2Limits>): Cql2Error {
  try {
    parseCql2Text(text, limits);
  } catch (error) {
    expect(error).toBeInstanceOf(Cql2Error);
    return error as Cql2Error;
  }
  throw new Error(`expected ${JSON.stringify(text.slice(0, 80))} to be rejected`);
}

describe('CQL2 parser: comparisons and literals', () => {
  it.each([
    ['=', "status = 'open'", str('open')],
    ['<>', "status <> 'open'", str('open')],
    ['<', 'priority < 3', num(3)],
    ['<=', 'priority <= 3', num(3)],
    ['>', 'priority > 3', num(3)],
    ['>=', 'priority >= 3', num(3)],
  ])('parses %s', (cmp, text, value) => {
    const property = text.split(' ')[0]!;
    expect(parseCql2Text(text)).toEqual({ op: 'cmp', cmp, property, value });
  });

  it('parses numbers: integer, decimal, negative, exponent, leading dot', () => {
    const values = ['0', '42', '3.25', '-7', '+7', '-0.5', '.5', '1e3', '2.5E-2', '-1.5e+2'].map((n) => {
      const e = parseCql2Text(`x = ${n}`);
      return e.op === 'cmp' ? e.value : null;
    });
    expect(values).toEqual([0, 42, 3.25, -7, 7, -0.5, 0.5, 1000, 0.025, -150].map(num));
  });

  it('unescapes doubled quotes in strings and keeps other characters as they are', () => {
    expect(parseCql2Text("name = 'O''Brien'")).toMatchObject({ value: str("O'Brien") });
    expect(parseCql2Text("name = ''''")).toMatchObject({ value: str("'") });
    expect(parseCql2Text("name = ''")).toMatchObject({ value: str('') });
    expect(parseCql2Text("name = '街道 \"x\" \\ 50%'")).toMatchObject({ value: str('街道 "x" \\ 50%') });
  });

  it('parses TRUE and FALSE in any case', () => {
    expect(parseCql2Text('resolved = TRUE')).toMatchObject({ value: { type: 'boolean', value: true } });
    expect(parseCql2Text('resolved = false')).toMatchObject({ value: { type: 'boolean', value: false } });
  });

  it('parses TIMESTAMP and DATE literals', () => {
    expect(parseCql2Text("reported_at > TIMESTAMP('2026-11-23T10:00:00Z')")).toEqual({
      op: 'cmp',
      cmp: '>',
      property: 'reported_at',
      value: { type: 'timestamp', value: '2026-11-23T10:00:00Z' },
    });
    expect(parseCql2Text("reported_at < timestamp('2026-11-23T10:00:00.123+08:00')")).toMatchObject({
      value: { type: 'timestamp', value: '2026-11-23T10:00:00.123+08:00' },
    });
    expect(parseCql2Text("due = DATE('2024-02-29')")).toMatchObject({ value: { type: 'date', value: '2024-02-29' } });
  });

  it.each([
    ["t = TIMESTAMP('2026-11-23')", 14],
    ["t = TIMESTAMP('2026-11-23T10:00:00')", 14], // no offset: the instant would depend on the server
    ["t = TIMESTAMP('2026-13-01T10:00:00Z')", 14],
    ["t = TIMESTAMP('2026-11-23T24:00:00Z')", 14],
    ["d = DATE('2025-02-29')", 9],
    ["d = DATE('0000-01-01')", 9],
    ["d = DATE('2026-11-23T10:00:00Z')", 9],
    ['d = DATE(20261123)', 9],
  ])('rejects the malformed temporal literal %s', (text, position) => {
    expect(errorOf(text)).toMatchObject({ position, detail: expect.stringMatching(/^(invalid (TIMESTAMP|DATE)|DATE needs a quoted string)/) });
  });

  it('normalises a literal on the left by turning the operator round', () => {
    expect(parseCql2Text('5 < priority')).toEqual({ op: 'cmp', cmp: '>', property: 'priority', value: num(5) });
    expect(parseCql2Text('5 >= priority')).toMatchObject({ cmp: '<=' });
    expect(parseCql2Text("'open' = status")).toEqual({ op: 'cmp', cmp: '=', property: 'status', value: str('open') });
    expect(parseCql2Text("TIMESTAMP('2026-11-23T10:00:00Z') <= t")).toMatchObject({ cmp: '>=', property: 't' });
  });

  it('rejects comparisons of two properties or two literals, and = NULL', () => {
    expect(errorOf('a = b')).toMatchObject({ position: 4, detail: expect.stringMatching(/two properties/) });
    expect(errorOf('1 = 1')).toMatchObject({ position: 0, detail: expect.stringMatching(/needs a property/) });
    expect(errorOf('a = NULL')).toMatchObject({ position: 4, detail: expect.stringMatching(/IS NULL/) });
  });

  it('takes double-quoted property names, with "" for a quote, including keywords', () => {
    expect(parseCql2Text('"and" = 1')).toEqual(eq('and', 1));
    expect(parseCql2Text('"街道 name" = 1')).toEqual(eq('街道 name', 1));
    expect(parseCql2Text('"a""b" = 1')).toEqual(eq('a"b', 1));
  });
});

describe('CQL2 parser: LIKE, IN, BETWEEN, IS NULL', () => {
  it('parses LIKE and NOT LIKE with the pattern as written', () => {
    expect(parseCql2Text("name LIKE 'Zhang%_\\%'")).toEqual({ op: 'like', property: 'name', pattern: 'Zhang%_\\%', negated: false });
    expect(parseCql2Text("name not like 'a%'")).toEqual({ op: 'like', property: 'name', pattern: 'a%', negated: true });
  });

  it('rejects a LIKE pattern that is not a string or ends with the escape character', () => {
    expect(errorOf('name LIKE 5')).toMatchObject({ position: 10, detail: expect.stringMatching(/string pattern/) });
    expect(errorOf("name LIKE 'a\\'")).toMatchObject({ position: 10, detail: expect.stringMatching(/escape/) });
    expect(parseCql2Text("name LIKE 'a\\\\'")).toMatchObject({ pattern: 'a\\\\' }); // an escaped backslash is fine
  });

  it('parses IN and NOT IN lists of literals', () => {
    expect(parseCql2Text("status IN ('open', 'closed')")).toEqual({
      op: 'in',
      property: 'status',
      values: [str('open'), str('closed')],
      negated: false,
    });
    expect(parseCql2Text('priority NOT IN (1,2,-3)')).toEqual({
      op: 'in',
      property: 'priority',
      values: [num(1), num(2), num(-3)],
      negated: true,
    });
  });

  it('rejects an empty IN list and properties inside it', () => {
    expect(errorOf('a IN ()')).toMatchObject({ position: 6 });
    expect(errorOf('a IN (b)')).toMatchObject({ position: 6, detail: expect.stringMatching(/literal/) });
  });

  it('parses BETWEEN and NOT BETWEEN without confusing its AND with the boolean one', () => {
    expect(parseCql2Text('priority BETWEEN 1 AND 3 AND x = 1')).toEqual({
      op: 'and',
      args: [{ op: 'between', property: 'priority', low: num(1), high: num(3), negated: false }, eq('x', 1)],
    });
    expect(parseCql2Text("d NOT BETWEEN DATE('2026-01-01') AND DATE('2026-12-31')")).toEqual({
      op: 'between',
      property: 'd',
      low: { type: 'date', value: '2026-01-01' },
      high: { type: 'date', value: '2026-12-31' },
      negated: true,
    });
    expect(errorOf('a BETWEEN 1 OR 2')).toMatchObject({ position: 12, detail: expect.stringMatching(/expected AND/) });
  });

  it('parses IS NULL and IS NOT NULL', () => {
    expect(parseCql2Text('closed_at IS NULL')).toEqual({ op: 'isNull', property: 'closed_at', negated: false });
    expect(parseCql2Text('closed_at is not null')).toEqual({ op: 'isNull', property: 'closed_at', negated: true });
    expect(errorOf('closed_at IS 1')).toMatchObject({ position: 13 });
  });

  it('rejects LIKE, IN, BETWEEN and IS with a literal on the left', () => {
    expect(errorOf("'a' LIKE 'b'")).toMatchObject({ position: 0, detail: expect.stringMatching(/LIKE needs a property/) });
    expect(errorOf('1 IN (1)')).toMatchObject({ position: 0 });
    expect(errorOf('1 BETWEEN 0 AND 2')).toMatchObject({ position: 0 });
    expect(errorOf('1 IS NULL')).toMatchObject({ position: 0 });
  });
});

describe('CQL2 parser: boolean structure', () => {
  it('binds AND tighter than OR', () => {
    expect(parseCql2Text('a = 1 OR b = 2 AND c = 3')).toEqual({
      op: 'or',
      args: [eq('a', 1), { op: 'and', args: [eq('b', 2), eq('c', 3)] }],
    });
  });

  it('follows parentheses', () => {
    expect(parseCql2Text('(a = 1 OR b = 2) AND c = 3')).toEqual({
      op: 'and',
      args: [{ op: 'or', args: [eq('a', 1), eq('b', 2)] }, eq('c', 3)],
    });
  });

  it('keeps a chain of one operator as one node', () => {
    expect(parseCql2Text('a = 1 AND b = 2 AND c = 3')).toEqual({ op: 'and', args: [eq('a', 1), eq('b', 2), eq('c', 3)] });
  });

  it('binds NOT tighter than AND, and nests NOT', () => {
    expect(parseCql2Text('NOT a = 1 AND b = 2')).toEqual({ op: 'and', args: [{ op: 'not', arg: eq('a', 1) }, eq('b', 2)] });
    expect(parseCql2Text('NOT (a = 1 AND b = 2)')).toEqual({ op: 'not', arg: { op: 'and', args: [eq('a', 1), eq('b', 2)] } });
    expect(parseCql2Text('not not a = 1')).toEqual({ op: 'not', arg: { op: 'not', arg: eq('a', 1) } });
  });

  it('reads keywords in any case and tolerates any ASCII whitespace', () => {
    expect(parseCql2Text('a=1\tor\nb=2\r\nAnD c=3')).toEqual(parseCql2Text('a = 1 OR b = 2 AND c = 3'));
  });

  it('keeps property names as written (they are case-sensitive keys)', () => {
    expect(parseCql2Text('Status = 1')).toEqual(eq('Status', 1));
  });
});

describe('CQL2 parser: S_INTERSECTS', () => {
  it('parses a BBOX as its polygon and keeps the box', () => {
    expect(parseCql2Text('S_INTERSECTS(geom, BBOX(120, 30, 120.5, 30.5))')).toEqual({
      op: 's_intersects',
      property: 'geom',
      geometry: { type: 'Polygon', coordinates: [[[120, 30], [120.5, 30], [120.5, 30.5], [120, 30.5], [120, 30]]] },
      bbox: [120, 30, 120.5, 30.5],
    });
  });

  it.each([
    ['POINT(120.1 30.2)', { type: 'Point', coordinates: [120.1, 30.2] }],
    ['POINT (-120 -30)', { type: 'Point', coordinates: [-120, -30] }],
    ['LINESTRING(0 0, 1 1, 2 0)', { type: 'LineString', coordinates: [[0, 0], [1, 1], [2, 0]] }],
    [
      'POLYGON((0 0, 4 0, 4 4, 0 0), (1 1, 2 1, 2 2, 1 1))',
      { type: 'Polygon', coordinates: [[[0, 0], [4, 0], [4, 4], [0, 0]], [[1, 1], [2, 1], [2, 2], [1, 1]]] },
    ],
    ['MULTIPOINT(1 2, 3 4)', { type: 'MultiPoint', coordinates: [[1, 2], [3, 4]] }],
    ['MULTIPOINT((1 2), (3 4))', { type: 'MultiPoint', coordinates: [[1, 2], [3, 4]] }],
    ['MULTILINESTRING((0 0, 1 1), (2 2, 3 3))', { type: 'MultiLineString', coordinates: [[[0, 0], [1, 1]], [[2, 2], [3, 3]]] }],
    [
      'MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0)), ((5 5, 6 5, 6 6, 5 5)))',
      { type: 'MultiPolygon', coordinates: [[[[0, 0], [1, 0], [1, 1], [0, 0]]], [[[5, 5], [6, 5], [6, 6], [5, 5]]]] },
    ],
  ])('parses WKT %s', (wkt, geometry) => {
    expect(parseCql2Text(`S_INTERSECTS(geom, ${wkt})`)).toEqual({ op: 's_intersects', property: 'geom', geometry });
  });

  it('accepts the geometry first, lower case and a quoted property', () => {
    expect(parseCql2Text('s_intersects(point(1 2), "the geom")')).toEqual({
      op: 's_intersects',
      property: 'the geom',
      geometry: { type: 'Point', coordinates: [1, 2] },
    });
  });

  it.each([
    ['S_INTERSECTS(geom, geom)', 0, /one property and one geometry/],
    ['S_INTERSECTS(POINT(1 2), POINT(1 2))', 0, /one property and one geometry/],
    ['S_INTERSECTS(geom, POINT(1 2 3))', 29, /only 2D/],
    ['S_INTERSECTS(geom, POINT Z (1 2 3))', 25, /only 2D/],
    ['S_INTERSECTS(geom, POINT EMPTY)', 25, /empty/],
    ['S_INTERSECTS(geom, BBOX(0, 0, 0, 1, 1, 1))', 19, /only 2D BBOX/],
    ['S_INTERSECTS(geom, BBOX(0, 0, 1))', 19, /4 numbers/],
    ['S_INTERSECTS(geom, BBOX(170, 0, -170, 1))', 24, /antimeridian/],
    ['S_INTERSECTS(geom, BBOX(0, 5, 1, 1))', 27, /miny/],
    ['S_INTERSECTS(geom, LINESTRING(0 0))', 29, /at least 2/],
    ['S_INTERSECTS(geom, POLYGON((0 0, 1 0, 0 0)))', 27, /at least 4/],
    ['S_INTERSECTS(geom, POLYGON((0 0, 1 0, 1 1, 0 1)))', 27, /end at its first/],
    ['S_INTERSECTS(geom, GEOMETRYCOLLECTION(POINT(1 2)))', 19, /GEOMETRYCOLLECTION/],
    ['S_INTERSECTS(geom, ENVELOPE(0, 0, 1, 1))', 19, /unsupported function ENVELOPE/],
    ['S_INTERSECTS(geom)', 17, /","/],
    ['a = POINT(1 2)', 4, /only allowed inside S_INTERSECTS/],
  ])('rejects %s', (text, position, detail) => {
    expect(errorOf(text)).toMatchObject({ position, detail: expect.stringMatching(detail) });
  });

  it.each([
    ['S_INTERSECTS(geom, POINT(181 0))', 25, /longitude 181/],
    ['S_INTERSECTS(geom, POINT(0 -90.5))', 27, /latitude -90.5/],
    ['S_INTERSECTS(geom, LINESTRING(0 0, -180.0001 0))', 35, /longitude/],
    ['S_INTERSECTS(geom, BBOX(0, 0, 1, 91))', 33, /latitude 91/],
    ['S_INTERSECTS(geom, BBOX(-200, 0, 1, 1))', 24, /longitude -200/],
  ])('rejects the out-of-range coordinate in %s', (text, position, detail) => {
    expect(errorOf(text)).toMatchObject({ position, detail: expect.stringMatching(detail) });
  });

  it('accepts the extreme valid coordinates', () => {
    expect(parseCql2Text('S_INTERSECTS(geom, BBOX(-180, -90, 180, 90))')).toMatchObject({ bbox: [-180, -90, 180, 90] });
  });
});

describe('CQL2 parser: NaN and Infinity', () => {
  it.each([
    ['a = NaN', 4],
    ['a = Infinity', 4],
    ['a = -Infinity', 4], // "-" not before a digit is not a sign
    ['a IN (1, nan)', 9],
    ['a BETWEEN 0 AND inf', 16],
    ['a = 1e999', 4],
    ['a = -1e400', 4],
    ['S_INTERSECTS(geom, POINT(NaN 0))', 25],
    ['S_INTERSECTS(geom, BBOX(0, 0, Infinity, 1))', 30],
  ])('rejects %s', (text, position) => {
    expect(errorOf(text)).toMatchObject({ position });
  });
});

describe('CQL2 parser: syntax errors name the problem and its offset', () => {
  it.each([
    ["status = 'open", 9, /unterminated string literal/],
    ['"status = 1', 0, /unterminated quoted property name/],
    ['"" = 1', 0, /empty quoted property name/],
    ['a = 1 b', 6, /unexpected "b" after the end/],
    ['a = 1)', 5, /unexpected "\)"/],
    ['(a = 1', 6, /closing parenthesis/],
    ['a =', 3, /found end of input/],
    ['a = 1 AND', 9, /end of input/],
    ['= 1', 0, /expected a literal value, found "="/],
    ['AND a = 1', 0, /found "AND"/],
    ['a', 1, /after property "a", found end of input/],
    ['', 0, /empty filter/],
    ['   ', 0, /empty filter/],
    ['a == 1', 3, /found "="/],
    ['a != 1', 2, /unexpected character "!"/],
    ['a = 1.2.3', 4, /malformed number/],
    ['a = 12abc', 4, /malformed number/],
    ['a = 1 OR', 8, /end of input/],
    ['a NOT = 1', 6, /expected LIKE, IN or BETWEEN after NOT/],
    ['a IS NOT 1', 9, /expected NULL/],
  ])('rejects %j', (text, position, detail) => {
    expect(errorOf(text)).toMatchObject({ position, detail: expect.stringMatching(detail) });
  });

  it('reports the first problem in the text, whether lexical or grammatical', () => {
    expect(errorOf('a = = ;')).toMatchObject({ position: 4 });
    expect(errorOf("a = 1 b 'unterminated")).toMatchObject({ position: 6 });
    expect(errorOf('a = ; b = = 1')).toMatchObject({ position: 4 });
  });

  it('puts the offset in the message too', () => {
    expect(errorOf("a = 'x").message).toBe('unterminated string literal (at offset 4)');
  });

  it.each([
    ['T_INTERSECTS(t, INTERVAL(a, b))', 0, 'T_INTERSECTS'],
    ["CASEI(name) = casei('x')", 0, 'CASEI'],
    ['A_CONTAINS(tags, (1, 2))', 0, 'A_CONTAINS'],
    ['S_WITHIN(geom, POINT(1 2))', 0, 'S_WITHIN'],
    ['my_func(x) = 1', 0, 'my_func'],
    ["a = 1 AND name = upper('x')", 17, 'upper'],
    ['a IN (lower(1))', 6, 'lower'],
  ])('rejects the unsupported function in %s', (text, position, name) => {
    expect(errorOf(text)).toMatchObject({ position, detail: `unsupported function ${name}; the only supported function is S_INTERSECTS` });
  });
});

describe('CQL2 parser: limits', () => {
  it('has the documented defaults', () => {
    expect(DEFAULT_CQL2_LIMITS).toEqual({
      maxLength: 4096,
      maxDepth: 20,
      maxNodes: 500,
      maxInItems: 1000,
      maxCoordinates: 10_000,
      maxStringLength: 1000,
    });
  });

  it('limits the text length', () => {
    const text = 'a = 1' + ' '.repeat(4091);
    expect(text.length).toBe(4096);
    expect(parseCql2Text(text)).toEqual(eq('a', 1));
    expect(errorOf(text + ' ')).toMatchObject({ position: 4096, detail: expect.stringMatching(/maxLength/) });
    expect(errorOf('a = 1', { maxLength: 4 })).toMatchObject({ position: 4 });
  });

  it('limits the nesting depth of parentheses and NOT', () => {
    const nested = (n: number) => '('.repeat(n) + 'a = 1' + ')'.repeat(n);
    expect(parseCql2Text(nested(20))).toEqual(eq('a', 1));
    expect(errorOf(nested(21))).toMatchObject({ position: 20, detail: expect.stringMatching(/deeper than 20 levels \(limit maxDepth\)/) });
    expect(parseCql2Text('NOT '.repeat(20) + 'a = 1')).toBeTruthy();
    expect(errorOf('NOT '.repeat(21) + 'a = 1')).toMatchObject({ position: 80, detail: expect.stringMatching(/maxDepth/) });
    expect(errorOf('NOT (NOT (a = 1))', { maxDepth: 3 })).toMatchObject({ position: 9 });
  });

  it('survives hostile nesting far beyond the limit without a stack overflow', () => {
    expect(errorOf('('.repeat(4000))).toMatchObject({ detail: expect.stringMatching(/maxDepth/) });
    expect(errorOf('NOT '.repeat(1000))).toMatchObject({ detail: expect.stringMatching(/maxDepth/) });
  });

  it('limits the number of operators and predicates', () => {
    const chain = (n: number) => Array.from({ length: n }, () => 'a=1').join(' OR ');
    expect(parseCql2Text(chain(499))).toMatchObject({ op: 'or' }); // 499 predicates + 1 OR = 500 nodes
    expect(errorOf(chain(500))).toMatchObject({ position: 0, detail: expect.stringMatching(/more than 500 .*maxNodes/) });
    expect(errorOf('a=1 AND b=2 AND c=3', { maxNodes: 2 })).toMatchObject({ position: 16, detail: expect.stringMatching(/maxNodes/) });
  });

  it('limits the IN list', () => {
    const list = (n: number) => `a IN (${Array.from({ length: n }, (_, i) => i).join(',')})`;
    expect(parseCql2Text(list(1000))).toMatchObject({ op: 'in' });
    const error = errorOf(list(1001));
    expect(error.detail).toMatch(/more than 1000 values \(limit maxInItems\)/);
    expect(list(1001).slice(error.position!)).toBe(',1000)');
  });

  it('limits the coordinates of a geometry', () => {
    const line = (n: number) => `S_INTERSECTS(geom, LINESTRING(${Array.from({ length: n }, (_, i) => `${i % 180} 0`).join(',')}))`;
    const roomy = { maxLength: 200_000 };
    expect(parseCql2Text(line(10_000), roomy)).toMatchObject({ op: 's_intersects' });
    expect(errorOf(line(10_001), roomy)).toMatchObject({ detail: expect.stringMatching(/more than 10000 positions \(limit maxCoordinates\)/) });
    expect(errorOf('S_INTERSECTS(geom, MULTIPOINT(1 1, 2 2, 3 3))', { maxCoordinates: 2 })).toMatchObject({ position: 40 });
  });

  it('limits string literals and quoted property names', () => {
    expect(parseCql2Text(`a = '${'x'.repeat(1000)}'`)).toMatchObject({ op: 'cmp' });
    expect(errorOf(`a = '${'x'.repeat(1001)}'`)).toMatchObject({ position: 4, detail: expect.stringMatching(/maxStringLength/) });
    expect(errorOf(`a = '${"''".repeat(1001)}'`)).toMatchObject({ position: 4, detail: expect.stringMatching(/maxStringLength/) });
    expect(errorOf(`"${'p'.repeat(1001)}" = 1`)).toMatchObject({ position: 0, detail: expect.stringMatching(/maxStringLength/) });
  });
});

describe('CQL2 parser: characters', () => {
  it.each([
    ['status\u200b = 1', 6, 'U+200B'], // zero-width space
    ['status = 1 \uff2f\uff32 1 = 1', 11, 'U+FF2F'], // full-width OR
    ["status = \uff07x\uff07", 9, 'U+FF07'], // full-width apostrophe
    ['\u0455tatus = 1', 0, 'U+0455'], // Cyrillic homoglyph
    ['status\u3000= 1', 6, 'U+3000'], // ideographic space
    ['a = 1 -- comment', 6, '"-"'],
    ['a = 1 /* x */', 6, '"/"'],
    ['a = 1; DROP TABLE x', 5, '";"'],
    ['a = $1', 4, '"$"'],
  ])('rejects %j at the odd character', (text, position, shown) => {
    expect(errorOf(text)).toMatchObject({ position, detail: expect.stringContaining(shown) });
  });

  it('rejects NUL and unpaired surrogates anywhere, even inside strings', () => {
    expect(errorOf("a = 'x\u0000'")).toMatchObject({ position: 6, detail: expect.stringMatching(/NUL/) });
    expect(errorOf("a = 'x\ud800'")).toMatchObject({ position: 6, detail: expect.stringMatching(/surrogate/) });
    expect(errorOf("a = 'x\udc00y'")).toMatchObject({ position: 6 });
  });

  it('keeps any other Unicode inside strings as data', () => {
    expect(parseCql2Text("a = '\u202egnp.exe 😀 ＇'")).toMatchObject({ value: str('\u202egnp.exe 😀 ＇') });
  });
});
