/**
 * CQL2 text parser: the `filter` language of OGC API – Features Part 3, conformance classes
 * "Basic CQL2" plus the one spatial function S_INTERSECTS. Pure (no SQL): it turns the text a
 * caller sent into a typed AST, or throws a `Cql2Error` that says what is wrong and where. The API
 * compiles the AST to parameterised SQL (api/ogc/cql2-sql.ts); the client may use the parser to
 * check a filter before sending it.
 *
 * Hand-written because no npm library parses CQL2 text with the limits a public endpoint needs:
 * the input is hostile until proven otherwise, so the length, nesting depth, node count, IN-list
 * length, string length and coordinate count are bounded (each error names its limit), the
 * recursion depth is bounded by the nesting limit, and every code path is linear in the input.
 *
 * Supported (keywords and function names are case-insensitive):
 *  - `AND`, `OR`, `NOT` (precedence NOT > AND > OR) and parentheses;
 *  - comparisons `=`, `<>`, `<`, `<=`, `>`, `>=` between one property and one literal. A literal on
 *    the left is normalised (`5 < count` becomes `count > 5`); two properties or two literals are
 *    rejected, as is `= NULL` (use `IS NULL`);
 *  - `[NOT] LIKE 'pattern'` (`%`, `_`, backslash escape), `[NOT] IN (literal, ...)`,
 *    `[NOT] BETWEEN literal AND literal`, `IS [NOT] NULL`, each with the property on the left;
 *  - literals: `'string'` (`''` escapes a quote), numbers (sign, decimals, exponent), `TRUE`,
 *    `FALSE`, `TIMESTAMP('2026-11-23T10:00:00Z')`, `DATE('2026-11-23')`;
 *  - properties: `name` (`[A-Za-z_][A-Za-z0-9_]*`, not a keyword) or `"any text"` (`""` escapes);
 *  - `S_INTERSECTS(property, geometry)` (either argument order) where geometry is
 *    `BBOX(minx, miny, maxx, maxy)` or 2D WKT: POINT, LINESTRING, POLYGON, MULTIPOINT,
 *    MULTILINESTRING, MULTIPOLYGON, in WGS 84 longitude/latitude.
 * Not supported (each a `Cql2Error`, i.e. a 400): every other function (temporal T_*, array A_*,
 * other spatial S_*, CASEI/ACCENTI, custom functions), arithmetic, property-to-property
 * comparisons, a bare boolean as a predicate, INTERVAL, GEOMETRYCOLLECTION, EMPTY and Z/M
 * geometries, a BBOX crossing the antimeridian, NaN and Infinity.
 */

import type { LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon } from 'geojson';

/** Why a filter was refused. `position` is the character offset (0-based) in the text, or null
 * when the problem is not at a place in the text (e.g. an unknown property found by the compiler). */
export class Cql2Error extends Error {
  readonly position: number | null;
  /** The message without the position suffix. */
  readonly detail: string;

  constructor(detail: string, position: number | null) {
    super(position === null ? detail : `${detail} (at offset ${position})`);
    this.name = 'Cql2Error';
    this.detail = detail;
    this.position = position;
  }
}

export interface Cql2Limits {
  /** Characters in the filter text. */
  maxLength: number;
  /** Nested parentheses plus NOTs around a predicate. */
  maxDepth: number;
  /** Boolean operators and predicates in the AST (literals are not counted). */
  maxNodes: number;
  /** Values in one IN list. */
  maxInItems: number;
  /** Positions in one geometry. */
  maxCoordinates: number;
  /** Characters in one string literal or quoted property name. */
  maxStringLength: number;
}

/** Generous for a person writing a filter, small enough that a hostile one costs nothing. */
export const DEFAULT_CQL2_LIMITS: Readonly<Cql2Limits> = Object.freeze({
  maxLength: 4096,
  maxDepth: 20,
  maxNodes: 500,
  maxInItems: 1000,
  maxCoordinates: 10_000,
  maxStringLength: 1000,
});

export type Cql2Value =
  | { type: 'string'; value: string }
  | { type: 'number'; value: number }
  | { type: 'boolean'; value: boolean }
  /** RFC 3339 date-time as written (validated), e.g. `2026-11-23T10:00:00Z`. */
  | { type: 'timestamp'; value: string }
  /** `YYYY-MM-DD` (validated). */
  | { type: 'date'; value: string };

export type Cql2ComparisonOperator = '=' | '<>' | '<' | '<=' | '>' | '>=';

export type Cql2Geometry = Point | LineString | Polygon | MultiPoint | MultiLineString | MultiPolygon;

/** `[minx, miny, maxx, maxy]`, longitude/latitude degrees. */
export type Cql2Bbox = [number, number, number, number];

export interface Cql2Logical {
  op: 'and' | 'or';
  /** Two or more operands, in text order (`a AND b AND c` is one node with three). */
  args: Cql2Expr[];
}

export interface Cql2Not {
  op: 'not';
  arg: Cql2Expr;
}

export interface Cql2Comparison {
  op: 'cmp';
  cmp: Cql2ComparisonOperator;
  property: string;
  value: Cql2Value;
}

export interface Cql2Like {
  op: 'like';
  property: string;
  /** CQL2 pattern as written: `%` any run, `_` one character, `\` escapes the next character. */
  pattern: string;
  negated: boolean;
}

export interface Cql2In {
  op: 'in';
  property: string;
  values: Cql2Value[];
  negated: boolean;
}

export interface Cql2Between {
  op: 'between';
  property: string;
  low: Cql2Value;
  high: Cql2Value;
  negated: boolean;
}

export interface Cql2IsNull {
  op: 'isNull';
  property: string;
  negated: boolean;
}

export interface Cql2SIntersects {
  op: 's_intersects';
  property: string;
  /** GeoJSON geometry; a BBOX is given as its rectangle polygon (counter-clockwise). */
  geometry: Cql2Geometry;
  /** Present when the text used BBOX, so the SQL can build an envelope instead of parsing GeoJSON. */
  bbox?: Cql2Bbox;
}

export type Cql2Expr =
  | Cql2Logical
  | Cql2Not
  | Cql2Comparison
  | Cql2Like
  | Cql2In
  | Cql2Between
  | Cql2IsNull
  | Cql2SIntersects;

// ---------------------------------------------------------------------------------------------
// Tokens

type TokenKind = 'ident' | 'qident' | 'string' | 'number' | 'punct' | 'eof';

interface Token {
  kind: TokenKind;
  /** Identifier as written, unescaped string/quoted-identifier content, punctuation, number text. */
  text: string;
  /** Upper-cased `text` for bare identifiers (keywords are case-insensitive). */
  upper: string;
  /** Numeric value of a number token; NaN otherwise. */
  num: number;
  pos: number;
}

const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'LIKE', 'IN', 'BETWEEN', 'IS', 'NULL', 'TRUE', 'FALSE']);
const COMPARISON_OPERATORS = new Set<string>(['=', '<>', '<', '<=', '>', '>=']);
const FLIPPED: Record<Cql2ComparisonOperator, Cql2ComparisonOperator> = {
  '=': '=',
  '<>': '<>',
  '<': '>',
  '<=': '>=',
  '>': '<',
  '>=': '<=',
};
const WKT_TYPES = new Set(['POINT', 'LINESTRING', 'POLYGON', 'MULTIPOINT', 'MULTILINESTRING', 'MULTIPOLYGON']);
/** Words people write for "not a number"; named so the error says why rather than "unknown property". */
const NON_FINITE = new Set(['NAN', 'INFINITY', 'INF']);

const isDigit = (ch: string | undefined): boolean => ch !== undefined && ch >= '0' && ch <= '9';
const isIdentStart = (ch: string | undefined): boolean =>
  ch !== undefined && ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || ch === '_');
const isIdentPart = (ch: string | undefined): boolean => isIdentStart(ch) || isDigit(ch);

/** A character for an error message: visible as itself when printable ASCII, always with its code point. */
function describeChar(ch: string): string {
  const code = ch.codePointAt(0)!;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return code >= 0x21 && code <= 0x7e ? `"${ch}" (${hex})` : hex;
}

function describeToken(t: Token): string {
  switch (t.kind) {
    case 'eof':
      return 'end of input';
    case 'string':
      return 'a string literal';
    case 'number':
      return `number ${t.text}`;
    case 'qident':
      return `property ${JSON.stringify(t.text)}`;
    default:
      return `"${t.text}"`;
  }
}

/**
 * Rejects what must never reach the tokenizer or the database: NUL (PostgreSQL text cannot hold
 * it) and unpaired UTF-16 surrogates (not encodable as UTF-8, so the driver would alter them).
 */
function checkCharacters(text: string): void {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0) throw new Cql2Error('NUL character is not allowed', i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      throw new Cql2Error('malformed Unicode (unpaired surrogate)', i);
    }
    if (code >= 0xdc00 && code <= 0xdfff) throw new Cql2Error('malformed Unicode (unpaired surrogate)', i);
  }
}

/**
 * Reads a quoted run starting at `start` (the opening quote), where a doubled quote stands for one.
 * Returns the unescaped content and the offset after the closing quote.
 */
function readQuoted(text: string, start: number, quote: string, what: string, maxLength: number): [string, number] {
  let value = '';
  let i = start + 1;
  for (;;) {
    const end = text.indexOf(quote, i);
    if (end < 0) throw new Cql2Error(`unterminated ${what}`, start);
    value += text.slice(i, end);
    if (text[end + 1] === quote) {
      value += quote;
      i = end + 2;
    } else {
      i = end + 1;
      break;
    }
    if (value.length > maxLength) break;
  }
  if (value.length > maxLength) {
    throw new Cql2Error(`${what} longer than ${maxLength} characters (limit maxStringLength)`, start);
  }
  return [value, i];
}

/** Number grammar: optional sign, digits with an optional fraction (or a bare fraction), optional exponent. */
const NUMBER = /[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/y;

const token = (kind: TokenKind, text: string, pos: number, num = Number.NaN): Token => ({
  kind,
  text,
  upper: kind === 'ident' ? text.toUpperCase() : text,
  num,
  pos,
});

/**
 * The token starting at or after `from` (whitespace skipped) and the offset after it. Called on
 * demand by the parser, so the first error reported is the first in the text, lexical or not.
 */
function lexToken(text: string, from: number, limits: Cql2Limits): [Token, number] {
  let i = from;
  while (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r') i++;
  const start = i;
  if (i >= text.length) return [token('eof', '', text.length), i];
  const ch = text[i]!;
  if (isIdentStart(ch)) {
    while (isIdentPart(text[i])) i++;
    return [token('ident', text.slice(start, i), start), i];
  }
  if (ch === "'") {
    const [value, end] = readQuoted(text, start, "'", 'string literal', limits.maxStringLength);
    return [token('string', value, start), end];
  }
  if (ch === '"') {
    const [value, end] = readQuoted(text, start, '"', 'quoted property name', limits.maxStringLength);
    if (value === '') throw new Cql2Error('empty quoted property name', start);
    return [token('qident', value, start), end];
  }
  const signed = (ch === '-' || ch === '+') && (isDigit(text[i + 1]) || (text[i + 1] === '.' && isDigit(text[i + 2])));
  if (isDigit(ch) || signed || (ch === '.' && isDigit(text[i + 1]))) {
    NUMBER.lastIndex = start;
    const match = NUMBER.exec(text);
    if (!match) throw new Cql2Error('malformed number', start);
    i = start + match[0].length;
    // "1abc", "1.2.3", "1e": glued to something else, so not the number it looks like.
    if (isIdentPart(text[i]) || text[i] === '.') throw new Cql2Error('malformed number', start);
    const value = Number(match[0]);
    if (!Number.isFinite(value)) throw new Cql2Error(`number ${match[0]} is out of range`, start);
    return [token('number', match[0], start, value), i];
  }
  const two = text.slice(i, i + 2);
  if (two === '<>' || two === '<=' || two === '>=') return [token('punct', two, start), i + 2];
  if (ch === '(' || ch === ')' || ch === ',' || ch === '=' || ch === '<' || ch === '>') {
    return [token('punct', ch, start), i + 1];
  }
  throw new Cql2Error(`unexpected character ${describeChar(String.fromCodePoint(text.codePointAt(i)!))}`, start);
}

// ---------------------------------------------------------------------------------------------
// Literal validation

const daysInMonth = (year: number, month: number): number =>
  month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;

/** A real calendar date with a year PostgreSQL accepts (it has no year 0). */
function validDate(year: number, month: number, day: number): boolean {
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;

function isDateString(value: string): boolean {
  const m = DATE.exec(value);
  return m !== null && validDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** RFC 3339 with an explicit offset: without one the instant would depend on the server's time zone. */
function isTimestampString(value: string): boolean {
  const m = TIMESTAMP.exec(value);
  if (!m) return false;
  const [, y, mo, d, h, mi, s, oh, om] = m.map(Number) as number[];
  return (
    validDate(y!, mo!, d!) &&
    h! <= 23 &&
    mi! <= 59 &&
    s! <= 59 &&
    (m[7] === undefined || (oh! <= 23 && om! <= 59))
  );
}

/** PostgreSQL refuses a LIKE pattern ending in its escape character; say so here, as a 400. */
function endsWithEscape(pattern: string): boolean {
  let backslashes = 0;
  for (let i = pattern.length - 1; i >= 0 && pattern[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 1;
}

// ---------------------------------------------------------------------------------------------
// Parser

type Operand = { kind: 'property'; name: string; pos: number } | { kind: 'value'; value: Cql2Value; pos: number };

type Position2 = [number, number];

class Parser {
  /** Tokens lexed so far; `index` is the current one. */
  private readonly tokens: Token[] = [];
  /** Offset in the text after the last lexed token. */
  private lexed = 0;
  private index = 0;
  private nodes = 0;
  private coordinates = 0;

  constructor(
    private readonly text: string,
    private readonly limits: Cql2Limits,
  ) {}

  parse(): Cql2Expr {
    if (this.peek().kind === 'eof') throw new Cql2Error('empty filter', 0);
    const expr = this.parseOr(0);
    const rest = this.peek();
    if (rest.kind !== 'eof') throw new Cql2Error(`unexpected ${describeToken(rest)} after the end of the expression`, rest.pos);
    return expr;
  }

  // -- token helpers

  private peek(ahead = 0): Token {
    while (this.tokens.length <= this.index + ahead) {
      const last = this.tokens[this.tokens.length - 1];
      if (last?.kind === 'eof') return last;
      const [t, end] = lexToken(this.text, this.lexed, this.limits);
      this.tokens.push(t);
      this.lexed = end;
    }
    return this.tokens[this.index + ahead]!;
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.index++;
    return t;
  }

  private isPunct(t: Token, p: string): boolean {
    return t.kind === 'punct' && t.text === p;
  }

  private isKeyword(t: Token, k: string): boolean {
    return t.kind === 'ident' && t.upper === k;
  }

  private expectPunct(p: string, what: string): Token {
    const t = this.peek();
    if (!this.isPunct(t, p)) throw new Cql2Error(`expected ${what} "${p}", found ${describeToken(t)}`, t.pos);
    return this.next();
  }

  /** A bare identifier directly followed by "(" is a function call (whitespace between is allowed). */
  private isCall(): boolean {
    const t = this.peek();
    return t.kind === 'ident' && !KEYWORDS.has(t.upper) && this.isPunct(this.peek(1), '(');
  }

  private unsupportedFunction(t: Token): Cql2Error {
    if (t.upper === 'BBOX' || WKT_TYPES.has(t.upper)) {
      return new Cql2Error(`geometry ${t.text} is only allowed inside S_INTERSECTS(property, geometry)`, t.pos);
    }
    return new Cql2Error(`unsupported function ${t.text}; the only supported function is S_INTERSECTS`, t.pos);
  }

  private countNode(pos: number): void {
    if (++this.nodes > this.limits.maxNodes) {
      throw new Cql2Error(`filter has more than ${this.limits.maxNodes} operators and predicates (limit maxNodes)`, pos);
    }
  }

  private enter(depth: number, pos: number): void {
    if (depth > this.limits.maxDepth) {
      throw new Cql2Error(`filter is nested deeper than ${this.limits.maxDepth} levels (limit maxDepth)`, pos);
    }
  }

  // -- boolean structure

  private parseOr(depth: number): Cql2Expr {
    const start = this.peek().pos;
    const args = [this.parseAnd(depth)];
    while (this.isKeyword(this.peek(), 'OR')) {
      this.next();
      args.push(this.parseAnd(depth));
    }
    if (args.length === 1) return args[0]!;
    this.countNode(start);
    return { op: 'or', args };
  }

  private parseAnd(depth: number): Cql2Expr {
    const start = this.peek().pos;
    const args = [this.parseNot(depth)];
    while (this.isKeyword(this.peek(), 'AND')) {
      this.next();
      args.push(this.parseNot(depth));
    }
    if (args.length === 1) return args[0]!;
    this.countNode(start);
    return { op: 'and', args };
  }

  private parseNot(depth: number): Cql2Expr {
    const t = this.peek();
    if (this.isKeyword(t, 'NOT')) {
      this.enter(depth + 1, t.pos);
      this.next();
      const arg = this.parseNot(depth + 1);
      this.countNode(t.pos);
      return { op: 'not', arg };
    }
    return this.parsePrimary(depth);
  }

  private parsePrimary(depth: number): Cql2Expr {
    const t = this.peek();
    if (this.isPunct(t, '(')) {
      this.enter(depth + 1, t.pos);
      this.next();
      const inner = this.parseOr(depth + 1);
      this.expectPunct(')', 'closing parenthesis');
      return inner;
    }
    if (this.isCall()) {
      if (t.upper === 'S_INTERSECTS') return this.parseSIntersects();
      // TIMESTAMP(...) / DATE(...) start a comparison with the literal on the left.
      if (t.upper !== 'TIMESTAMP' && t.upper !== 'DATE') throw this.unsupportedFunction(t);
    }
    return this.parsePredicate();
  }

  // -- predicates

  private parsePredicate(): Cql2Expr {
    const left = this.parseOperand('left');
    let t = this.peek();

    if (t.kind === 'punct' && COMPARISON_OPERATORS.has(t.text)) {
      this.next();
      const right = this.parseOperand('right');
      return this.comparison(left, t.text as Cql2ComparisonOperator, right, t.pos);
    }

    let negated = false;
    if (this.isKeyword(t, 'NOT')) {
      this.next();
      negated = true;
      t = this.peek();
      if (!this.isKeyword(t, 'LIKE') && !this.isKeyword(t, 'IN') && !this.isKeyword(t, 'BETWEEN')) {
        throw new Cql2Error(`expected LIKE, IN or BETWEEN after NOT, found ${describeToken(t)}`, t.pos);
      }
    }

    if (this.isKeyword(t, 'LIKE')) {
      const property = this.requireProperty(left, 'LIKE');
      this.next();
      const p = this.next();
      if (p.kind !== 'string') throw new Cql2Error(`LIKE needs a string pattern, found ${describeToken(p)}`, p.pos);
      if (endsWithEscape(p.text)) throw new Cql2Error('LIKE pattern ends with the escape character "\\"', p.pos);
      this.countNode(left.pos);
      return { op: 'like', property, pattern: p.text, negated };
    }

    if (this.isKeyword(t, 'IN')) {
      const property = this.requireProperty(left, 'IN');
      this.next();
      this.expectPunct('(', 'IN list');
      const values = [this.parseLiteral()];
      while (this.isPunct(this.peek(), ',')) {
        const comma = this.next();
        if (values.length >= this.limits.maxInItems) {
          throw new Cql2Error(`IN list has more than ${this.limits.maxInItems} values (limit maxInItems)`, comma.pos);
        }
        values.push(this.parseLiteral());
      }
      this.expectPunct(')', 'end of IN list');
      this.countNode(left.pos);
      return { op: 'in', property, values, negated };
    }

    if (this.isKeyword(t, 'BETWEEN')) {
      const property = this.requireProperty(left, 'BETWEEN');
      this.next();
      const low = this.parseLiteral();
      const and = this.peek();
      if (!this.isKeyword(and, 'AND')) throw new Cql2Error(`expected AND in BETWEEN, found ${describeToken(and)}`, and.pos);
      this.next();
      const high = this.parseLiteral();
      this.countNode(left.pos);
      return { op: 'between', property, low, high, negated };
    }

    if (this.isKeyword(t, 'IS')) {
      const property = this.requireProperty(left, 'IS NULL');
      this.next();
      let isNegated = false;
      if (this.isKeyword(this.peek(), 'NOT')) {
        this.next();
        isNegated = true;
      }
      const n = this.next();
      if (!this.isKeyword(n, 'NULL')) throw new Cql2Error(`expected NULL after IS, found ${describeToken(n)}`, n.pos);
      this.countNode(left.pos);
      return { op: 'isNull', property, negated: isNegated };
    }

    const after = left.kind === 'property' ? `after property ${JSON.stringify(left.name)}` : 'after a literal';
    throw new Cql2Error(`expected a comparison operator, LIKE, IN, BETWEEN or IS ${after}, found ${describeToken(t)}`, t.pos);
  }

  /** One property and one literal; a literal on the left is turned round. */
  private comparison(left: Operand, cmp: Cql2ComparisonOperator, right: Operand, pos: number): Cql2Comparison {
    if (left.kind === 'property' && right.kind === 'property') {
      throw new Cql2Error('comparing two properties is not supported; compare a property with a literal', right.pos);
    }
    if (left.kind === 'value' && right.kind === 'value') {
      throw new Cql2Error('a comparison needs a property on one side', left.pos);
    }
    this.countNode(left.pos);
    if (left.kind === 'property' && right.kind === 'value') {
      return { op: 'cmp', cmp, property: left.name, value: right.value };
    }
    if (left.kind === 'value' && right.kind === 'property') {
      return { op: 'cmp', cmp: FLIPPED[cmp], property: right.name, value: left.value };
    }
    throw new Cql2Error('malformed comparison', pos); // unreachable: the cases above are exhaustive
  }

  private requireProperty(operand: Operand, what: string): string {
    if (operand.kind !== 'property') throw new Cql2Error(`${what} needs a property on its left`, operand.pos);
    return operand.name;
  }

  private parseOperand(side: 'left' | 'right'): Operand {
    const t = this.peek();
    if (t.kind === 'qident') {
      this.next();
      return { kind: 'property', name: t.text, pos: t.pos };
    }
    if (t.kind === 'ident' && !KEYWORDS.has(t.upper) && !this.isCall()) {
      if (side === 'right' && NON_FINITE.has(t.upper)) throw this.nonFinite(t);
      this.next();
      return { kind: 'property', name: t.text, pos: t.pos };
    }
    if (t.kind === 'eof') throw new Cql2Error('expected a property or a literal, found end of input', t.pos);
    return { kind: 'value', value: this.parseLiteral(), pos: t.pos };
  }

  private nonFinite(t: Token): Cql2Error {
    return new Cql2Error(`${t.text} is not allowed; numbers must be finite`, t.pos);
  }

  private parseLiteral(): Cql2Value {
    const t = this.peek();
    if (t.kind === 'string') {
      this.next();
      return { type: 'string', value: t.text };
    }
    if (t.kind === 'number') {
      this.next();
      return { type: 'number', value: t.num };
    }
    if (t.kind === 'ident') {
      if (t.upper === 'TRUE' || t.upper === 'FALSE') {
        this.next();
        return { type: 'boolean', value: t.upper === 'TRUE' };
      }
      if (t.upper === 'NULL') throw new Cql2Error('NULL is not a value here; use IS NULL or IS NOT NULL', t.pos);
      if (NON_FINITE.has(t.upper)) throw this.nonFinite(t);
      if (this.isCall()) {
        if (t.upper === 'TIMESTAMP') return { type: 'timestamp', value: this.parseTemporal(isTimestampString, 'TIMESTAMP', 'YYYY-MM-DDThh:mm:ssZ') };
        if (t.upper === 'DATE') return { type: 'date', value: this.parseTemporal(isDateString, 'DATE', 'YYYY-MM-DD') };
        throw this.unsupportedFunction(t);
      }
    }
    throw new Cql2Error(`expected a literal value, found ${describeToken(t)}`, t.pos);
  }

  private parseTemporal(valid: (s: string) => boolean, name: string, format: string): string {
    this.next(); // the function name
    this.expectPunct('(', name);
    const s = this.next();
    if (s.kind !== 'string') throw new Cql2Error(`${name} needs a quoted string, found ${describeToken(s)}`, s.pos);
    if (!valid(s.text)) throw new Cql2Error(`invalid ${name} ${JSON.stringify(s.text)}; expected ${format}`, s.pos);
    this.expectPunct(')', `end of ${name}`);
    return s.text;
  }

  // -- spatial

  private parseSIntersects(): Cql2SIntersects {
    const fn = this.next();
    this.expectPunct('(', 'S_INTERSECTS');
    const first = this.parseSpatialArgument();
    this.expectPunct(',', 'comma between S_INTERSECTS arguments');
    const second = this.parseSpatialArgument();
    this.expectPunct(')', 'end of S_INTERSECTS');
    const property = first.kind === 'property' ? first : second.kind === 'property' ? second : null;
    const geometry = first.kind === 'geometry' ? first : second.kind === 'geometry' ? second : null;
    if (!property || !geometry) {
      throw new Cql2Error('S_INTERSECTS needs one property and one geometry literal', fn.pos);
    }
    this.countNode(fn.pos);
    const node: Cql2SIntersects = { op: 's_intersects', property: property.name, geometry: geometry.geometry };
    if (geometry.bbox) node.bbox = geometry.bbox;
    return node;
  }

  private parseSpatialArgument():
    | { kind: 'property'; name: string }
    | { kind: 'geometry'; geometry: Cql2Geometry; bbox?: Cql2Bbox } {
    const t = this.peek();
    if (t.kind === 'qident') {
      this.next();
      return { kind: 'property', name: t.text };
    }
    if (t.kind === 'ident' && (t.upper === 'BBOX' || WKT_TYPES.has(t.upper) || t.upper === 'GEOMETRYCOLLECTION')) {
      const after = this.peek(1);
      if (this.isPunct(after, '(') || after.kind === 'ident') return { kind: 'geometry', ...this.parseGeometry() };
    }
    if (t.kind === 'ident' && !KEYWORDS.has(t.upper)) {
      if (this.isCall()) throw this.unsupportedFunction(t);
      this.next();
      return { kind: 'property', name: t.text };
    }
    throw new Cql2Error(`expected a property or a geometry in S_INTERSECTS, found ${describeToken(t)}`, t.pos);
  }

  private parseGeometry(): { geometry: Cql2Geometry; bbox?: Cql2Bbox } {
    const t = this.next();
    if (t.upper === 'BBOX') return this.parseBbox(t);
    if (t.upper === 'GEOMETRYCOLLECTION') {
      throw new Cql2Error('geometry type GEOMETRYCOLLECTION is not supported', t.pos);
    }
    const tag = this.peek();
    if (tag.kind === 'ident') {
      if (tag.upper === 'EMPTY') throw new Cql2Error(`empty geometries are not supported`, tag.pos);
      if (tag.upper === 'Z' || tag.upper === 'M' || tag.upper === 'ZM') {
        throw new Cql2Error(`only 2D coordinates are supported, found ${t.text} ${tag.text}`, tag.pos);
      }
      throw new Cql2Error(`expected "(" after ${t.text}, found ${describeToken(tag)}`, tag.pos);
    }
    switch (t.upper) {
      case 'POINT': {
        this.expectPunct('(', 'POINT');
        const coordinates = this.parsePosition();
        this.expectPunct(')', 'end of POINT');
        return { geometry: { type: 'Point', coordinates } };
      }
      case 'LINESTRING':
        return { geometry: { type: 'LineString', coordinates: this.parseLineString() } };
      case 'POLYGON':
        return { geometry: { type: 'Polygon', coordinates: this.parsePolygon() } };
      case 'MULTIPOINT':
        return { geometry: { type: 'MultiPoint', coordinates: this.parseList('MULTIPOINT', () => this.parseMultiPointMember()) } };
      case 'MULTILINESTRING':
        return {
          geometry: { type: 'MultiLineString', coordinates: this.parseList('MULTILINESTRING', () => this.parseLineString()) },
        };
      default:
        return { geometry: { type: 'MultiPolygon', coordinates: this.parseList('MULTIPOLYGON', () => this.parsePolygon()) } };
    }
  }

  /** `( item, item, ... )` with at least one item. */
  private parseList<T>(what: string, item: () => T): T[] {
    this.expectPunct('(', what);
    const items = [item()];
    while (this.isPunct(this.peek(), ',')) {
      this.next();
      items.push(item());
    }
    this.expectPunct(')', `end of ${what}`);
    return items;
  }

  private parseLineString(): Position2[] {
    const start = this.peek().pos;
    const positions = this.parseList('LINESTRING', () => this.parsePosition());
    if (positions.length < 2) throw new Cql2Error('a line string needs at least 2 positions', start);
    return positions;
  }

  /** Rings closed and long enough, so PostGIS does not refuse them later as a server error. */
  private parsePolygon(): Position2[][] {
    return this.parseList('POLYGON', () => {
      const start = this.peek().pos;
      const ring = this.parseList('polygon ring', () => this.parsePosition());
      if (ring.length < 4) throw new Cql2Error('a polygon ring needs at least 4 positions', start);
      const [first, last] = [ring[0]!, ring[ring.length - 1]!];
      if (first[0] !== last[0] || first[1] !== last[1]) {
        throw new Cql2Error('a polygon ring must end at its first position', start);
      }
      return ring;
    });
  }

  /** WKT writes multipoint members either bare `1 2` or parenthesised `(1 2)`; accept both. */
  private parseMultiPointMember(): Position2 {
    if (!this.isPunct(this.peek(), '(')) return this.parsePosition();
    this.next();
    const position = this.parsePosition();
    this.expectPunct(')', 'end of MULTIPOINT member');
    return position;
  }

  private parsePosition(): Position2 {
    const xToken = this.peek();
    const x = this.parseCoordinate();
    const yToken = this.peek();
    const y = this.parseCoordinate();
    const extra = this.peek();
    if (extra.kind === 'number') throw new Cql2Error('only 2D coordinates (x y) are supported', extra.pos);
    if (x < -180 || x > 180) throw new Cql2Error(`longitude ${x} is out of range [-180, 180]`, xToken.pos);
    if (y < -90 || y > 90) throw new Cql2Error(`latitude ${y} is out of range [-90, 90]`, yToken.pos);
    if (++this.coordinates > this.limits.maxCoordinates) {
      throw new Cql2Error(`geometry has more than ${this.limits.maxCoordinates} positions (limit maxCoordinates)`, xToken.pos);
    }
    return [x, y];
  }

  private parseCoordinate(): number {
    const t = this.peek();
    if (t.kind === 'number') {
      this.next();
      return t.num;
    }
    if (t.kind === 'ident' && NON_FINITE.has(t.upper)) throw this.nonFinite(t);
    throw new Cql2Error(`expected a coordinate, found ${describeToken(t)}`, t.pos);
  }

  private parseBbox(fn: Token): { geometry: Polygon; bbox: Cql2Bbox } {
    const numbers = this.parseList('BBOX', () => {
      const t = this.peek();
      return { value: this.parseCoordinate(), pos: t.pos };
    });
    if (numbers.length === 6) throw new Cql2Error('only 2D BBOX (minx, miny, maxx, maxy) is supported', fn.pos);
    if (numbers.length !== 4) throw new Cql2Error(`BBOX needs 4 numbers, found ${numbers.length}`, fn.pos);
    const [minx, miny, maxx, maxy] = numbers as [(typeof numbers)[0], (typeof numbers)[0], (typeof numbers)[0], (typeof numbers)[0]];
    for (const { value, pos } of [minx, maxx]) {
      if (value < -180 || value > 180) throw new Cql2Error(`longitude ${value} is out of range [-180, 180]`, pos);
    }
    for (const { value, pos } of [miny, maxy]) {
      if (value < -90 || value > 90) throw new Cql2Error(`latitude ${value} is out of range [-90, 90]`, pos);
    }
    if (minx.value > maxx.value) throw new Cql2Error('BBOX minx is greater than maxx (crossing the antimeridian is not supported)', minx.pos);
    if (miny.value > maxy.value) throw new Cql2Error('BBOX miny is greater than maxy', miny.pos);
    const bbox: Cql2Bbox = [minx.value, miny.value, maxx.value, maxy.value];
    const [x0, y0, x1, y1] = bbox;
    return {
      bbox,
      geometry: { type: 'Polygon', coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]] },
    };
  }
}

function resolveLimits(limits: Partial<Cql2Limits> | undefined): Cql2Limits {
  const resolved = { ...DEFAULT_CQL2_LIMITS };
  for (const key of Object.keys(resolved) as (keyof Cql2Limits)[]) {
    const value = limits?.[key];
    if (value !== undefined) resolved[key] = value;
  }
  return resolved;
}

/**
 * Parses a CQL2 text filter. Throws `Cql2Error` (message and character offset) for anything that
 * is not a well-formed, supported filter within `limits` (defaults: `DEFAULT_CQL2_LIMITS`).
 */
export function parseCql2Text(text: string, limits?: Partial<Cql2Limits>): Cql2Expr {
  const resolved = resolveLimits(limits);
  if (typeof text !== 'string') throw new Cql2Error('filter must be a string', 0);
  if (text.length > resolved.maxLength) {
    throw new Cql2Error(`filter is longer than ${resolved.maxLength} characters (limit maxLength)`, resolved.maxLength);
  }
  checkCharacters(text);
  return new Parser(text, resolved).parse();
}
