import { describe, expect, it } from 'vitest';
import { describePersonalNumbers, findPersonalNumbers } from '../../geo/privacy-guard.js';

const kinds = (text: string) => findPersonalNumbers(text).map((m) => m.kind);

describe('privacy guard', () => {
  it.each([
    ['身份证号330681199001011234', 'id_card'],
    ['证件 33068119900101123X 已核实', 'id_card'],
    ['id 33068119900101123x', 'id_card'],
    ['3306 8119 9001 0112 34', 'id_card'],
    ['330681-19900101-1234', 'id_card'],
    ['３３０６８１１９９００１０１１２３４', 'id_card'],
    ['联系电话13812345678', 'mobile'],
    ['电话 138 1234 5678，请回电', 'mobile'],
    ['138-1234-5678', 'mobile'],
    ['+86 138 1234 5678', 'mobile'],
    ['0086-13812345678', 'mobile'],
    ['１３８１２３４５６７８', 'mobile'],
    ['19912345678', 'mobile'],
  ])('rejects %s', (text, kind) => {
    expect(kinds(text)).toEqual([kind]);
    expect(describePersonalNumbers(text, 'summary')).toMatch(/^summary contains/);
  });

  it.each([
    '3号楼2单元502室漏水，影响楼下住户',
    '2026-11-23 14:30 发生纠纷，涉及 12 户，金额 13800 元',
    '网格 330699001001003 巡查发现隐患',
    '村代码 330699001001',
    '12345热线转办，工单号 20261123000123',
    '电话打了 3 次，未接通',
    '10 点 20 分到达现场',
    '温度 38.5 度',
    '',
  ])('accepts ordinary text: %s', (text) => {
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
