import { describe, expect, it } from 'vitest';
import { ACCOUNT_ROLES, PERMISSIONS, databaseRoleOf, roleCan } from '../../geo/access.js';
import { availableFlowActions, nextFlowState } from '../../geo/incident-flow.js';

describe('the three-level flow', () => {
  it('walks a matter up from the grid to the county and back down', () => {
    let s = { status: 'reported', level: 'grid' } as const satisfies Parameters<typeof nextFlowState>[0];
    const steps: string[] = [];
    let state: Parameters<typeof nextFlowState>[0] = s;
    for (const action of ['escalate', 'accept', 'escalate', 'dispatch', 'escalate', 'return', 'resolve', 'close'] as const) {
      const next = nextFlowState(state, action);
      if ('refused' in next) throw new Error(`${action}: ${next.refused}`);
      state = next;
      steps.push(`${next.level}:${next.status}`);
    }
    expect(steps).toEqual([
      'village:escalated', 'village:accepted', 'township:escalated', 'township:in_progress', 'county:escalated',
      'township:accepted', 'township:resolved', 'township:closed',
    ]);
    s = { status: 'reported', level: 'grid' };
    expect(availableFlowActions(s)).toEqual(['accept', 'escalate']);
  });

  it.each([
    [{ status: 'closed', level: 'grid' }, 'accept', /cannot accept an incident that is closed/],
    [{ status: 'accepted', level: 'grid' }, 'dispatch', /township or county level/],
    [{ status: 'in_progress', level: 'county' }, 'escalate', /highest level/],
    [{ status: 'escalated', level: 'grid' }, 'return', /lowest level/],
    [{ status: 'reported', level: 'grid' }, 'resolve', /possible from: accepted, in_progress/],
  ] as const)('refuses %o → %s with a reason', (state, action, reason) => {
    const next = nextFlowState(state, action);
    expect('refused' in next && next.refused).toMatch(reason);
  });
});

describe('permissions by role', () => {
  it('walls read layers and aggregates only', () => {
    const allowed = Object.keys(PERMISSIONS).filter((p) => roleCan('display', p as keyof typeof PERMISSIONS));
    expect(allowed.sort()).toEqual(['aggregates.read', 'layers.read']);
    expect(databaseRoleOf('display')).toBe('atlas_display');
  });

  it('each write belongs to its role: operators incidents, planners grids, admins users, regions and categories, imports admins and planners', () => {
    const holders = (p: keyof typeof PERMISSIONS) => ACCOUNT_ROLES.filter((r) => roleCan(r, p));
    expect(holders('incidents.write')).toEqual(['operator']);
    expect(holders('grids.write')).toEqual(['planner']);
    expect(holders('users.manage')).toEqual(['admin']);
    expect(holders('imports.run')).toEqual(['admin', 'planner']);
    expect(holders('regions.write')).toEqual(['admin']);
    expect(holders('categories.manage')).toEqual(['admin']);
    expect(holders('data.export').sort()).toEqual(['admin', 'analyst']);
    expect(ACCOUNT_ROLES.filter((r) => r !== 'display').every((r) => databaseRoleOf(r) === 'atlas_app')).toBe(true);
  });
});
