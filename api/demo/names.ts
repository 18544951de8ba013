/**
 * Invented Chinese place names for the demo county. Built from common toponym parts of northern
 * Zhejiang (岙, 坞, 畈, 埠 …) so that they read naturally, but combined at random: any match with a
 * real place is a coincidence. No personal names are generated anywhere.
 */
import type { Rng } from './random.js';

const TOWN_FIRST = [...'枫白青龙凤桃梅竹松云金玉石清临安长永双马鹤兰杏柳陶璜盘横黄紫泉溪'];
const TOWN_SECOND = [...'溪塔山湖桥坞阳江源浦田塘泉峰门店渡亭岗埠岭湾'];
const STREET_NAMES = ['城东', '城西', '城南', '城北', '文昌', '望江', '锦城', '滨湖', '凤栖', '迎宾', '金湖', '云门',
  '江北', '江南', '湖滨', '新城', '高新', '双桥', '南岸', '北湖'];
const VILLAGE_FIRST = [...'东西南北上下前后新老大小高里外中石塘溪山岭枫柏桐杨柳王陈张李赵周吴徐何郭蒋楼宣俞骆斯钟黄金朱方'];
const VILLAGE_SECOND = [...'岙坞塘坑湾溪桥山岭头埠口宅园庄畈店墩田源岩垄坂湖家'];
const COMMUNITY_NAMES = ['文昌', '和平', '新华', '锦绣', '滨江', '望江', '金城', '花园', '迎宾', '人民', '解放', '建设',
  '光明', '朝阳', '长安', '安居', '幸福', '康乐', '繁荣', '育才', '振兴', '新安', '江滨', '翠苑', '桃源', '丽景',
  '阳光', '东湖', '书香', '城中', '府前', '大桥', '青年', '红旗', '永安', '嘉园', '秀水', '金山', '银泉', '龙山',
  '凤凰', '明珠', '海棠', '香樟', '紫荆', '玉兰'];
const COMMUNITY_FIRST = [...'锦翠金银明丽嘉和安康文华兴新荣祥瑞泰丰盛'];
const COMMUNITY_SECOND = [...'苑园城湾庭府坊桥湖江泉'];
const NATURAL_FIRST = [...'上下前后东西南北里外大小中新老高'];
const NATURAL_SECOND = [...'王陈张李赵周吴宅坞岙塘坑湾山畈家楼店'];

/** Hands out names that are unique within their scope, drawing from pools and falling back to combinations. */
export class NameBook {
  private readonly used = new Set<string>();

  constructor(private readonly rng: Rng) {}

  /** Reserves `name` (returns false if it was taken). */
  claim(name: string): boolean {
    if (this.used.has(name)) return false;
    this.used.add(name);
    return true;
  }

  private unique(make: () => string, fallback: (n: number) => string): string {
    for (let i = 0; i < 200; i++) {
      const name = make();
      if (this.claim(name)) return name;
    }
    for (let n = 2; ; n++) {
      const name = fallback(n);
      if (this.claim(name)) return name;
    }
  }

  /** A township-level name: 街道 for streets, 镇 for towns, 乡 for townships. */
  township(kind: 'street' | 'town' | 'township'): string {
    if (kind === 'street') {
      return this.unique(() => `${this.rng.pick(STREET_NAMES)}街道`,
        (n) => `${this.rng.pick(STREET_NAMES)}${n}街道`);
    }
    const suffix = kind === 'town' ? '镇' : '乡';
    return this.unique(() => `${this.rng.pick(TOWN_FIRST)}${this.rng.pick(TOWN_SECOND)}${suffix}`,
      (n) => `${this.rng.pick(TOWN_FIRST)}${this.rng.pick(TOWN_SECOND)}${n}${suffix}`);
  }

  village(): string {
    return this.unique(() => `${this.rng.pick(VILLAGE_FIRST)}${this.rng.pick(VILLAGE_SECOND)}村`,
      (n) => `${this.rng.pick(VILLAGE_FIRST)}${this.rng.pick(VILLAGE_SECOND)}${n}村`);
  }

  community(): string {
    return this.unique(
      () => (this.rng.chance(0.6)
        ? `${this.rng.pick(COMMUNITY_NAMES)}社区`
        : `${this.rng.pick(COMMUNITY_FIRST)}${this.rng.pick(COMMUNITY_SECOND)}社区`),
      (n) => `${this.rng.pick(COMMUNITY_NAMES)}${n}社区`);
  }

  naturalVillage(): string {
    return this.unique(() => `${this.rng.pick(NATURAL_FIRST)}${this.rng.pick(NATURAL_SECOND)}自然村`,
      (n) => `${this.rng.pick(NATURAL_FIRST)}${this.rng.pick(NATURAL_SECOND)}${n}自然村`);
  }

  /** Any name: tries `make` (which may return already-used names), then numbers the last one. */
  custom(make: () => string): string {
    let last = make();
    return this.unique(() => (last = make()), (n) => `${last}（${n}）`);
  }
}

/** `枫溪镇` → `枫溪`, `城东街道` → `城东`, `东岙村` → `东岙`, `文昌社区` → `文昌`. */
export function shortName(name: string): string {
  return name.replace(/(街道|社区|自然村|镇|乡|村)$/u, '');
}

/** Parts of invented brand-like names for malls, firms and scenic spots (no real brands). */
export const FIRM_WORDS = ['华丰', '金盛', '永兴', '恒达', '新联', '瑞丰', '宏远', '天成', '鸿运', '万嘉', '东升',
  '利民', '众诚', '汇通', '信达', '兴旺', '泰和', '祥云', '长青', '明远'];
export const SCENIC_WORDS = ['白云山', '青龙峡', '枫林湾', '石门潭', '凤鸣谷', '桃花坞', '竹海', '翠屏山', '仙人洞',
  '双溪口', '古樟园', '鹤鸣湖', '五泄湾', '云峰岭', '梅岭'];
