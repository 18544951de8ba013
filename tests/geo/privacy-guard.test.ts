import { describe, expect, it } from 'vitest';
import { describePersonalNumbers, findPersonalNumbers } from '../../geo/privacy-guard.js';
import { ORDINARY_TEXT, PERSONAL_TEXT } from '../fixtures/privacy-corpus.js';

const kinds = (text: string) => findPersonalNumbers(text).map((m) => m.kind);

describe('privacy guard', () => {
  it.each(PERSONAL_TEXT)('rejects %s', (text, kind) => {
    expect(kinds(text)).toEqual([kind]);
    expect(describePersonalNumbers(text, 'summary')).toMatch(/^summary contains/);
  });

  it.each(ORDINARY_TEXT)('accepts ordinary text: %s', (text) => {
    expect(findPersonalNumbers(text)).toEqual([]);
    expect(describePersonalNumbers(text, 'summary')).toBeNull();
  });

  it('does not take 11 digits inside a longer number for a mobile number', () => {
    expect(kinds('工单号 2026112313812345678')).toEqual([]); // 19 digits: neither kind
  });

  it('reports where the number starts and finds several', () => {
    const found = findPersonalNumbers('甲 13812345678 乙 330681199001011234');
    expect(found.map((m) => [m.kind, m.start])).toEqual([['mobile', 2], ['id_card', 16]]);
  });
});
