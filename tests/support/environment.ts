/**
 * What the test machine has, and the rule for missing parts: without CI a missing part is skipped
 * with a plain message; with CI=true a skipped part fails the run.
 */
export const IN_CI = process.env.CI === 'true' || process.env.CI === '1';

export interface Availability {
  available: boolean;
  /** Why not, and how to get it. */
  reason: string;
}

/** Logs once why a part is skipped; returns whether the part must instead fail (under CI). */
export function reportMissing(part: string, availability: Availability): boolean {
  if (availability.available) return false;
  const message = `${part}: ${availability.reason}${IN_CI ? ' (CI=true: this fails the run)' : ' — skipped (run scripts/install-system-deps.sh)'}`;
  console.warn(`\n⚠ ${message}\n`);
  return IN_CI;
}
