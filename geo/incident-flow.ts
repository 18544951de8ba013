import { FLOW_LEVELS, type FlowLevel, type IncidentStatus } from './layers.js';

/**
 * The three-level flow (DESIGN.md): a matter is reported at the grid, handled where it can be, and
 * escalated grid → village → township (→ county) when it cannot; a higher level may return it.
 * Pure, shared by the API (which refuses other moves) and the client (which offers only these).
 */
export const FLOW_ACTIONS = ['report', 'accept', 'handle', 'escalate', 'dispatch', 'resolve', 'close', 'return'] as const;
export type FlowAction = (typeof FLOW_ACTIONS)[number];
/** What a person can choose; `report` happens when the incident is created. */
export const USER_FLOW_ACTIONS = ['accept', 'handle', 'escalate', 'dispatch', 'resolve', 'close', 'return'] as const;
export type UserFlowAction = (typeof USER_FLOW_ACTIONS)[number];

interface Rule {
  from: readonly IncidentStatus[];
  to: IncidentStatus;
  /** Level change: up one (escalate), down one (return), or none. */
  level?: 'up' | 'down';
  /** Only at these levels (township and county dispatch work orders to departments). */
  at?: readonly FlowLevel[];
}

export const FLOW_RULES: Record<UserFlowAction, Rule> = {
  accept: { from: ['reported', 'escalated'], to: 'accepted' },
  handle: { from: ['accepted'], to: 'in_progress' },
  escalate: { from: ['reported', 'accepted', 'in_progress'], to: 'escalated', level: 'up' },
  dispatch: { from: ['accepted', 'escalated'], to: 'in_progress', at: ['township', 'county'] },
  resolve: { from: ['accepted', 'in_progress'], to: 'resolved' },
  close: { from: ['resolved'], to: 'closed' },
  return: { from: ['escalated', 'accepted'], to: 'accepted', level: 'down' },
};

export interface FlowState {
  status: IncidentStatus;
  level: FlowLevel;
}

/** The state after `action`, or a reason why the action is not possible now. */
export function nextFlowState(state: FlowState, action: UserFlowAction): FlowState | { refused: string } {
  const rule = FLOW_RULES[action];
  if (!rule.from.includes(state.status)) {
    return { refused: `cannot ${action} an incident that is ${state.status} (possible from: ${rule.from.join(', ')})` };
  }
  if (rule.at && !rule.at.includes(state.level)) {
    return { refused: `${action} happens at the ${rule.at.join(' or ')} level; this incident is at the ${state.level} level` };
  }
  const i = FLOW_LEVELS.indexOf(state.level);
  if (rule.level === 'up' && i === FLOW_LEVELS.length - 1) return { refused: 'the county is the highest level: nothing to escalate to' };
  if (rule.level === 'down' && i === 0) return { refused: 'the grid is the lowest level: nothing to return to' };
  const level = rule.level === 'up' ? FLOW_LEVELS[i + 1]! : rule.level === 'down' ? FLOW_LEVELS[i - 1]! : state.level;
  return { status: rule.to, level };
}

/** The actions possible from `state`, for the client's buttons. */
export function availableFlowActions(state: FlowState): UserFlowAction[] {
  return USER_FLOW_ACTIONS.filter((a) => !('refused' in nextFlowState(state, a)));
}
