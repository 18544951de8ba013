import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as v from '../../geo/layers.js';

/** The schema's CHECK lists and the catalogue's vocabularies must name the same values. */
const schema = readFileSync(new URL('../../sql/migrations/0001_schema.sql', import.meta.url), 'utf8');

function checkList(column: string, table: string): string[] {
  const start = schema.indexOf(`CREATE TABLE ${table} (`);
  const body = schema.slice(start, schema.indexOf(');\n', start));
  const match = new RegExp(`${column}\\s+[a-z()0-9]+[^\\n]*?CHECK \\(${column} IN \\(([^)]*)\\)`, 's').exec(body);
  if (!match) throw new Error(`no CHECK list for ${table}.${column}`);
  return [...match[1]!.matchAll(/'([^']+)'/g)].map((m) => m[1]!);
}

describe('vocabularies', () => {
  it.each([
    ['grids', 'grid_class', v.GRID_CLASSES],
    ['cameras', 'kind', v.CAMERA_KINDS],
    ['cameras', 'status', v.CAMERA_STATUSES],
    ['incidents', 'level', v.INCIDENT_LEVELS],
    ['incidents', 'source', v.INCIDENT_SOURCES],
    ['incidents', 'flow_level', v.FLOW_LEVELS],
    ['incidents', 'status', v.INCIDENT_STATUSES],
    ['incidents', 'warning_colour', v.WARNING_COLOURS],
    ['key_places', 'place_type', v.KEY_PLACE_TYPES],
    ['key_places', 'risk_level', v.RISK_LEVELS],
    ['mediations', 'mediator_kind', v.MEDIATOR_KINDS],
    ['mediations', 'outcome', v.MEDIATION_OUTCOMES],
    ['regions', 'level', v.REGION_LEVELS],
    ['staff', 'role', v.STAFF_ROLES],
  ] as const)('%s.%s matches the catalogue', (table, column, values) => {
    expect(checkList(column, table)).toEqual([...values]);
  });

  it('incident categories of the reference data match the catalogue', () => {
    const ref = readFileSync(new URL('../../sql/migrations/0002_reference_data.sql', import.meta.url), 'utf8');
    const top = [...ref.matchAll(/\('([a-z_]+)', NULL,/g)].map((m) => m[1]);
    expect(top).toEqual([...v.INCIDENT_CATEGORIES]);
  });

  it('every catalogue layer names its id column among its public properties', () => {
    for (const id of v.LAYER_IDS) expect(v.LAYERS[id].properties).toContain(v.LAYERS[id].idColumn);
  });
});
