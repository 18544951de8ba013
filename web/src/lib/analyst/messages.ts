/**
 * The analyst panel's own strings, Simplified Chinese and English (read as `MESSAGES[i18n.lang]`).
 * Both dictionaries satisfy one type, so a key missing in either is a type error.
 */
import type { Lang } from '../i18n.svelte';
import type { AnalystTab, MediationOutcomeKey, PatrolGapReasonCode } from './types';

export interface AnalystMessages {
  panelLabel: string;
  tabs: Record<AnalystTab, string>;
  /** The tabs' full names (tooltips and the tab panel's label). */
  tabTitles: Record<AnalystTab, string>;
  loading: string;
  retry: string;
  loadFailed: string;
  /** Weekday names, index 0 = Monday: short (grid labels) and long (sentences). */
  weekdayShort: readonly string[];
  weekdayLong: readonly string[];
  hourRange: (h: number) => string;
  count: (n: string) => string;
  // Gap lists
  hourBand: string;
  bandFrom: string;
  bandTo: string;
  bandFollowsFilters: string;
  windowShortened: (from: string, to: string, days: number) => string;
  noGaps: string;
  exportCsv: string;
  exportNeedsPermission: string;
  rank: string;
  score: string;
  incidents: string;
  hoursSince: string;
  neverPatrolled: string;
  hoursAgo: (h: string) => string;
  daysAgo: (d: string) => string;
  entirelyUnseen: string;
  partlySeen: string;
  exportFullList: string;
  reason: Record<PatrolGapReasonCode, (value: string) => string>;
  frameCell: (rank: number) => string;
  patrolSummary: (shown: number, incidents: string, days: number) => string;
  cameraSummary: (shown: number) => string;
  unseenIncidents: string;
  unseenHouseholds: string;
  onlineRate: (rate: string) => string;
  householdShare: (share: string) => string;
  // Rhythm
  rhythmCaption: string;
  rhythmTotal: (n: string) => string;
  rhythmEmpty: string;
  busiestSlot: (day: string, hours: string, n: string) => string;
  busiestDay: (day: string, n: string) => string;
  busiestHour: (hours: string, n: string) => string;
  cellTitle: (day: string, hours: string, n: string) => string;
  legend: string;
  bandNote: (from: number, to: number) => string;
  // Mediation
  mediationCaption: string;
  noDisputes: string;
  localRate: string;
  target: (pct: string) => string;
  belowTarget: string;
  meetsTarget: string;
  noRate: string;
  disputes: (n: string) => string;
  resolvedLocally: (n: string) => string;
  resolvedAtCounty: (n: string) => string;
  openUnderControl: (open: string, controlled: string) => string;
  outcome: Record<MediationOutcomeKey, string>;
  categoryNote: string;
  totalLine: (rate: string, n: string) => string;
  // Export
  exportHeading: string;
  exportIntro: (region: string, from: string, to: string) => string;
  exportCsvIncidents: string;
  exportGeojsonIncidents: string;
  exportHoursNote: string;
  exportRhythmCsv: string;
  exportPng: string;
  exportPngHint: string;
  exportNoMap: string;
  exportFailed: string;
  downloading: string;
}

const WEEKDAY_ZH = ['一', '二', '三', '四', '五', '六', '日'] as const;
const WEEKDAY_EN = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
const pad = (h: number) => String(h).padStart(2, '0');

export const MESSAGES = {
  zh: {
    panelLabel: '分析视图',
    tabs: { patrol: '巡查盲区', camera: '视频盲区', rhythm: '时段规律', mediation: '调解成效', export: '导出' },
    tabTitles: { patrol: '巡查盲区排名', camera: '视频盲区排名', rhythm: '事件的星期与时段分布', mediation: '矛盾纠纷调解成效', export: '导出当前视图与地图' },
    loading: '加载中…',
    retry: '重试',
    loadFailed: '分析加载失败',
    weekdayShort: WEEKDAY_ZH,
    weekdayLong: WEEKDAY_ZH.map((d) => `周${d}`),
    hourRange: (h) => `${pad(h)}:00–${pad(h + 1)}:00`,
    count: (n) => `${n} 起`,
    hourBand: '时段',
    bandFrom: '开始（时）',
    bandTo: '结束（时）',
    bandFollowsFilters: '跟随筛选',
    windowShortened: (from, to, days) => `巡查盲区最多分析 ${days} 天：按 ${from} 至 ${to} 计算`,
    noGaps: '此时间范围内没有盲区',
    exportCsv: '导出 CSV',
    exportNeedsPermission: '导出需要数据导出权限',
    rank: '排名',
    score: '盲区指数',
    incidents: '事件',
    hoursSince: '距上次巡查',
    neverPatrolled: '时段内未巡查',
    hoursAgo: (h) => `${h} 小时前`,
    daysAgo: (d) => `${d} 天前`,
    entirelyUnseen: '完全无覆盖',
    partlySeen: '部分覆盖',
    exportFullList: '下载完整列表（CSV）',
    reason: {
      incidents: (v) => `${v} 起事件`,
      no_patrol: () => '无巡查',
      rare_patrol: (v) => `巡查少（${v} 的天数）`,
      no_camera: () => '无视频',
      cameras_offline: (v) => `${v} 路摄像机离线`,
    },
    frameCell: (rank) => `在地图上定位第 ${rank} 名`,
    patrolSummary: (shown, incidents, days) => `前 ${shown} 个盲区 · 时段内 ${incidents} 起事件 · ${days} 天`,
    cameraSummary: (shown) => `未被在线摄像机看到的前 ${shown} 个六边形区块（按未覆盖事件、户数排序）`,
    unseenIncidents: '未覆盖事件',
    unseenHouseholds: '未覆盖户数',
    onlineRate: (rate) => `在线率 ${rate}`,
    householdShare: (share) => `住户覆盖 ${share}`,
    rhythmCaption: '按星期与小时统计的事件数（北京时间）',
    rhythmTotal: (n) => `共 ${n} 起事件`,
    rhythmEmpty: '此时间范围内没有事件',
    busiestSlot: (day, hours, n) => `最集中的时段是${day} ${hours}（${n} 起）。`,
    busiestDay: (day, n) => `事件最多的是${day}（${n} 起），`,
    busiestHour: (hours, n) => `最多的钟点是 ${hours}（各天合计 ${n} 起）。`,
    cellTitle: (day, hours, n) => `${day} ${hours}：${n} 起`,
    legend: '图例（事件数）',
    bandNote: (from, to) => `只统计 ${pad(from)}:00–${pad(to % 24)}:00 时段（筛选条件）`,
    mediationCaption: '各镇街矛盾纠纷就地化解率（目标 95%）',
    noDisputes: '此时间范围内没有矛盾纠纷',
    localRate: '就地化解率',
    target: (pct) => `目标 ${pct}`,
    belowTarget: '未达标',
    meetsTarget: '达标',
    noRate: '无纠纷',
    disputes: (n) => `纠纷 ${n}`,
    resolvedLocally: (n) => `就地化解 ${n}`,
    resolvedAtCounty: (n) => `县级化解 ${n}`,
    openUnderControl: (open, controlled) => `在办 ${open}（已稳控 ${controlled}）`,
    outcome: {
      resolved_on_spot: '当场化解',
      resolved: '调解成功',
      controlled: '已稳控',
      escalated: '上报',
      litigation: '诉讼',
      none: '未调解',
    },
    categoryNote: '按当前事件类型筛选统计（未筛选时为矛盾纠纷）',
    totalLine: (rate, n) => `合计就地化解率 ${rate}（${n} 起纠纷）`,
    exportHeading: '导出当前视图',
    exportIntro: (region, from, to) => `${region} · ${from} 至 ${to} · 当前筛选条件下的事件`,
    exportCsvIncidents: '事件 CSV',
    exportGeojsonIncidents: '事件 GeoJSON',
    exportHoursNote: '注意：导出按整天计，不含时段筛选。',
    exportRhythmCsv: '时段统计 CSV',
    exportPng: '地图 PNG',
    exportPngHint: '保存当前地图画面（含图层与高亮）',
    exportNoMap: '地图尚未就绪',
    exportFailed: '导出失败',
    downloading: '正在下载…',
  },
  en: {
    panelLabel: 'Analyst views',
    tabs: { patrol: 'Patrol', camera: 'Cameras', rhythm: 'Rhythm', mediation: 'Mediation', export: 'Export' },
    tabTitles: { patrol: 'Patrol gaps, ranked', camera: 'Camera gaps, ranked', rhythm: 'Incidents by weekday and hour', mediation: 'Mediation outcomes', export: 'Export this view and the map' },
    loading: 'Loading…',
    retry: 'Retry',
    loadFailed: 'Could not load the analysis',
    weekdayShort: WEEKDAY_EN,
    weekdayLong: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'],
    hourRange: (h) => `${pad(h)}:00–${pad(h + 1)}:00`,
    count: (n) => `${n} incidents`,
    hourBand: 'Hour band',
    bandFrom: 'From (hour)',
    bandTo: 'To (hour)',
    bandFollowsFilters: 'Follow filters',
    windowShortened: (from, to, days) => `Patrol gaps cover at most ${days} days: computed for ${from} to ${to}`,
    noGaps: 'No gaps in this window',
    exportCsv: 'Export CSV',
    exportNeedsPermission: 'Exporting needs the data-export permission',
    rank: 'Rank',
    score: 'Gap score',
    incidents: 'Incidents',
    hoursSince: 'Since last patrol',
    neverPatrolled: 'none in band',
    hoursAgo: (h) => `${h} h ago`,
    daysAgo: (d) => `${d} days ago`,
    entirelyUnseen: 'entirely unseen',
    partlySeen: 'partly seen',
    exportFullList: 'Download the full list (CSV)',
    reason: {
      incidents: (v) => `${v} incidents`,
      no_patrol: () => 'no patrol',
      rare_patrol: (v) => `rare patrol (${v} of days)`,
      no_camera: () => 'no camera',
      cameras_offline: (v) => (v === '1' ? '1 camera offline' : `${v} cameras offline`),
    },
    frameCell: (rank) => `Show gap no. ${rank} on the map`,
    patrolSummary: (shown, incidents, days) => `Top ${shown} gaps · ${incidents} incidents in the band · ${days} days`,
    cameraSummary: (shown) => `Top ${shown} cells no online camera sees (by unseen incidents, then households)`,
    unseenIncidents: 'Unseen incidents',
    unseenHouseholds: 'Unseen households',
    onlineRate: (rate) => `Online ${rate}`,
    householdShare: (share) => `Households covered ${share}`,
    rhythmCaption: 'Incidents by weekday and hour (Beijing time)',
    rhythmTotal: (n) => `${n} incidents in all`,
    rhythmEmpty: 'No incidents in this window',
    busiestSlot: (day, hours, n) => `The busiest slot is ${day} ${hours} (${n}).`,
    busiestDay: (day, n) => `The busiest day is ${day} (${n}), `,
    busiestHour: (hours, n) => `the busiest hour ${hours} (${n} over all days).`,
    cellTitle: (day, hours, n) => `${day} ${hours}: ${n}`,
    legend: 'Legend (incidents)',
    bandNote: (from, to) => `Only ${pad(from)}:00–${pad(to % 24)}:00 is counted (filters)`,
    mediationCaption: 'Disputes resolved locally per township (target 95%)',
    noDisputes: 'No disputes in this window',
    localRate: 'Local resolution',
    target: (pct) => `target ${pct}`,
    belowTarget: 'below target',
    meetsTarget: 'meets target',
    noRate: 'no disputes',
    disputes: (n) => `${n} disputes`,
    resolvedLocally: (n) => `${n} resolved locally`,
    resolvedAtCounty: (n) => `${n} at the county`,
    openUnderControl: (open, controlled) => `${open} open (${controlled} under control)`,
    outcome: {
      resolved_on_spot: 'Resolved on the spot',
      resolved: 'Resolved',
      controlled: 'Under control',
      escalated: 'Escalated',
      litigation: 'Litigation',
      none: 'No mediation',
    },
    categoryNote: 'Counted for the category filter (disputes when none is set)',
    totalLine: (rate, n) => `Overall ${rate} resolved locally (${n} disputes)`,
    exportHeading: 'Export this view',
    exportIntro: (region, from, to) => `${region} · ${from} to ${to} · incidents matching the filters`,
    exportCsvIncidents: 'Incidents CSV',
    exportGeojsonIncidents: 'Incidents GeoJSON',
    exportHoursNote: 'Note: exports cover whole days; the hour band is not applied.',
    exportRhythmCsv: 'Rhythm CSV',
    exportPng: 'Map PNG',
    exportPngHint: 'Saves the map as it is drawn now (layers and highlight)',
    exportNoMap: 'The map is not ready yet',
    exportFailed: 'Export failed',
    downloading: 'Downloading…',
  },
} satisfies Record<Lang, AnalystMessages>;
