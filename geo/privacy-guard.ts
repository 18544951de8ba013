/**
 * Privacy guard: free text (incident summaries, notes) must not carry a resident's ID-card or
 * mobile number. Pure and shared: the API rejects such text and the client warns before sending.
 *
 * "In any spacing": digits may be split by spaces (ASCII or full-width), hyphens, dots or slashes,
 * as people write "138 1234 5678" or "3306 8119 9001 0112 34". Full-width digits count as digits.
 * A run of digits (with those separators between them) is a number; it is personal when it is
 *  - an ID-card number: 18 characters, 17 digits then a digit or X (no checksum test: a mistyped
 *    number is still somebody's), or
 *  - a mainland mobile number: 11 digits starting 13–19 (optionally after +86 / 0086 / 86).
 * Other numbers (dates, amounts, 12-digit region codes, house numbers) pass.
 */

export type PersonalNumberKind = 'id_card' | 'mobile';

export interface PersonalNumberMatch {
  kind: PersonalNumberKind;
  /** Character offsets of the match in the original text. */
  start: number;
  end: number;
}

const SEPARATOR = /[\s\u3000\-–—.·/\\_]/;

function toAsciiDigit(ch: string): string | null {
  const code = ch.charCodeAt(0);
  if (code >= 0x30 && code <= 0x39) return ch;
  if (code >= 0xff10 && code <= 0xff19) return String.fromCharCode(code - 0xff10 + 0x30); // full-width ０-９
  return null;
}

function classify(digits: string): PersonalNumberKind | null {
  if (/^\d{17}[\dX]$/.test(digits)) return 'id_card';
  const national = digits.replace(/^(?:0086|86)(?=1\d{10}$)/, '');
  if (/^1[3-9]\d{9}$/.test(national)) return 'mobile';
  return null;
}

/** Every ID-card or mobile number in `text`; empty when the text is clean. */
export function findPersonalNumbers(text: string): PersonalNumberMatch[] {
  const matches: PersonalNumberMatch[] = [];
  let i = 0;
  while (i < text.length) {
    if (toAsciiDigit(text[i]!) === null && !(text[i] === '+' && toAsciiDigit(text[i + 1] ?? '') !== null)) {
      i++;
      continue;
    }
    // A run: digits, single separators between digits, and a final X/x.
    const start = i;
    let digits = '';
    let end = i;
    if (text[i] === '+') i++;
    while (i < text.length) {
      const d = toAsciiDigit(text[i]!);
      if (d !== null) {
        digits += d;
        i++;
        end = i;
        continue;
      }
      if ((text[i] === 'X' || text[i] === 'x' || text[i] === 'Ｘ') && digits.length === 17) {
        digits += 'X';
        i++;
        end = i;
        break;
      }
      if (SEPARATOR.test(text[i]!) && toAsciiDigit(text[i + 1] ?? '') !== null) {
        i++;
        continue;
      }
      break;
    }
    const kind = classify(digits);
    if (kind) matches.push({ kind, start, end });
    i = Math.max(end, start + 1);
  }
  return matches;
}

/** A message naming what was found, for a 400 error; `null` when the text is clean. */
export function describePersonalNumbers(text: string, field: string): string | null {
  const found = findPersonalNumbers(text);
  if (found.length === 0) return null;
  const kinds = [...new Set(found.map((m) => (m.kind === 'id_card' ? 'an ID-card number' : 'a mobile number')))];
  return `${field} contains ${kinds.join(' and ')} (at character ${found[0]!.start + 1}); personal numbers must not be stored. Remove it and describe the matter without identifying anyone.`;
}
