import { describePersonalNumbers } from '../geo/privacy-guard.js';
import { ApiError } from './errors.js';

/**
 * The privacy guard on free text: 400 PersonalData when a field carries an ID-card or mobile
 * number in any spacing (geo/privacy-guard.ts).
 */
export function guardFreeText(fields: Record<string, string | null | undefined>): void {
  for (const [field, text] of Object.entries(fields)) {
    if (!text) continue;
    const problem = describePersonalNumbers(text, field);
    if (problem) throw new ApiError(400, 'PersonalData', problem);
  }
}
