/** Quotes an SQL identifier from the layer catalogue (never from a request). */
export function ident(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Catalogue identifier not allowed: ${name}`);
  return `"${name}"`;
}

/**
 * WHERE conditions built from trusted fragments and bound values: each fragment is written with
 * `?` placeholders, numbered here after the parameters already taken (`firstParam`), so request
 * values never enter SQL text.
 */
export class SqlConditions {
  readonly conditions: string[] = [];
  readonly params: unknown[] = [];

  constructor(private readonly firstParam = 1) {}

  add(fragment: string, values: readonly unknown[] = []): this {
    let i = 0;
    const base = this.firstParam - 1 + this.params.length;
    this.conditions.push(fragment.replace(/\?/g, () => `$${base + ++i}`));
    if (i !== values.length) throw new Error(`fragment has ${i} placeholders for ${values.length} values: ${fragment}`);
    this.params.push(...values);
    return this;
  }

  /** `AND`-joined, each in parentheses; `TRUE` when empty. */
  sql(): string {
    return this.conditions.length ? this.conditions.map((c) => `(${c})`).join(' AND ') : 'TRUE';
  }
}
