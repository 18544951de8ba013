/**
 * Who may do what: the one permission table, read by the API (every route checks it) and by the
 * client (which hides what a role cannot do). Region scope is not here: PostgreSQL row-level
 * security enforces it (sql/migrations/0003_region_scope.sql).
 */
export const ACCOUNT_ROLES = ['admin', 'planner', 'analyst', 'operator', 'display'] as const;
export type AccountRole = (typeof ACCOUNT_ROLES)[number];

export const PERMISSIONS = {
  /** Map layers (features, later tiles) and aggregates: every role, walls included. */
  'layers.read': ['admin', 'planner', 'analyst', 'operator', 'display'],
  'aggregates.read': ['admin', 'planner', 'analyst', 'operator', 'display'],
  /** Incident details with their free text and flow notes: everybody but walls. */
  'incidents.read': ['admin', 'planner', 'analyst', 'operator'],
  /** Report incidents and move them through the three-level flow. */
  'incidents.write': ['operator'],
  /** Remove an incident record (a duplicate, a test report): admins only, audited. */
  'incidents.delete': ['admin'],
  /** Edit grid boundaries (issue 7). */
  'grids.write': ['planner'],
  /** Create, change and delete cameras and key places (the ledger of places). */
  'places.write': ['admin', 'planner'],
  'analytics.run': ['analyst', 'admin'],
  'data.export': ['analyst', 'admin'],
  'users.manage': ['admin'],
  'audit.read': ['admin'],
  /** Import files into a layer (api/imports); regions need regions.write as well. */
  'imports.run': ['admin', 'planner'],
  /** Administrative boundaries: create, reshape, delete regions in the caller's subtree. */
  'regions.write': ['admin'],
  'categories.manage': ['admin'],
} as const satisfies Record<string, readonly AccountRole[]>;

export type Permission = keyof typeof PERMISSIONS;

export function roleCan(role: AccountRole, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly AccountRole[]).includes(role);
}

export function isAccountRole(value: string): value is AccountRole {
  return (ACCOUNT_ROLES as readonly string[]).includes(value);
}

/** The PostgreSQL role a request of `role` runs as: walls get the read-only one. */
export function databaseRoleOf(role: AccountRole): 'atlas_app' | 'atlas_display' {
  return role === 'display' ? 'atlas_display' : 'atlas_app';
}
