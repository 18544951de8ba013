/**
 * UI text of the analytic layers (their list, legends and tooltips), Simplified Chinese and English.
 * Read with `MESSAGES[i18n.lang]`.
 */
import type { Lang } from '../i18n.svelte';
import type { AnalyticLayerId, GiStarBin, GridMetric, PatrolShortfallClass, ThreeNosStatus } from './types';

export interface AnalyticLayerMessages {
  heading: string;
  title: Record<AnalyticLayerId, string>;
  /** One line under each title: what the layer shows. */
  summary: Record<AnalyticLayerId, string>;
  opacity: string;
  metric: string;
  metricName: Record<GridMetric, string>;
  loading: string;
  retry: string;
  loadFailed: (title: string) => string;
  /** Legend states. */
  empty: Record<AnalyticLayerId, string>;
  notAvailable: string;
  windowClamped: (days: number) => string;
  topCells: (n: number) => string;
  topGapCells: (n: number) => string;
  patrolDaysFew: (most: number, days: number) => string;
  /** Legend items and notes. */
  noCameras: string;
  compliant: string;
  shortfall: Record<PatrolShortfallClass, string>;
  shortfallNote: string;
  giBin: Record<GiStarBin, string>;
  hexResolution: (res: number) => string;
  threeNosStatus: Record<ThreeNosStatus, string>;
  threeNosYear: (year: number) => string;
  uncoveredIncidents: string;
  householdsOnly: string;
  gapScore: string;
  gapScoreNote: string;
  /** Tooltip fields. */
  field: {
    gridClass: string;
    households: string;
    residents: string;
    staffing: string;
    incidents: string;
    openIncidents: string;
    overdueIncidents: string;
    cameras: string;
    hoursPerDay: string;
    hours: string;
    daysPatrolled: string;
    coverageShare: string;
    unmet: string;
    uncoveredHouseholds: string;
    uncoveredIncidents: string;
    rank: string;
    score: string;
    patrolCoverage: string;
    cameraCoverage: string;
    hoursSincePatrol: string;
    never: string;
    reasons: string;
    disputes: string;
    unresolved: string;
    giZ: string;
    status: string;
    vetoed: string;
    criteriaMet: string;
    broken: string;
  };
  patrolRule: Record<string, string>;
  gapReason: Record<string, string>;
  yes: string;
}

const zh: AnalyticLayerMessages = {
  heading: '分析图层',
  title: {
    'grid-metrics': '网格指标',
    'patrol-coverage': '巡查覆盖与达标',
    'camera-coverage': '视频盲区',
    'patrol-gaps': '巡查盲区',
    hotspots: '矛盾纠纷热点',
    'three-nos': '三无村创建',
  },
  summary: {
    'grid-metrics': '按所选指标为网格分级着色',
    'patrol-coverage': '各网格巡查是否达标，未达标按差距着色',
    'camera-coverage': '有住户或事件但无在线摄像头覆盖的单元',
    'patrol-gaps': '事件多、巡查少、无摄像头的单元，按得分排序',
    hotspots: '矛盾纠纷的 Getis-Ord Gi* 冷热点',
    'three-nos': '各村三无创建状态',
  },
  opacity: '透明度',
  metric: '指标',
  metricName: {
    households: '户数',
    incidents: '事件数',
    openIncidents: '未办结事件',
    overdueIncidents: '超期事件',
    cameras: '摄像头数',
    camerasOnlineShare: '摄像头在线率',
  },
  loading: '加载中…',
  retry: '重试',
  loadFailed: (title) => `无法加载“${title}”`,
  empty: {
    'grid-metrics': '该区域没有网格',
    'patrol-coverage': '所选时段内没有巡查轨迹',
    'camera-coverage': '没有视频盲区',
    'patrol-gaps': '所选时段内没有事件，无巡查盲区',
    hotspots: '所选时段内没有矛盾纠纷',
    'three-nos': '该区域没有村',
  },
  notAvailable: '当前角色不可用',
  windowClamped: (days) => `仅分析时段的最后 ${days} 天（该分析最长 ${days} 天）`,
  topCells: (n) => `得分最高的 ${n} 个单元`,
  topGapCells: (n) => `未覆盖事件最多的 ${n} 个单元`,
  patrolDaysFew: (most, days) => `巡查轨迹最多只覆盖时段 ${days} 天中的 ${most} 天，日均按整个时段计算`,
  noCameras: '无摄像头',
  compliant: '达标',
  shortfall: {
    near: '未达标 · 日均 ≥ 1.5 小时',
    mid: '未达标 · 日均 1–1.5 小时',
    low: '未达标 · 日均 0.5–1 小时',
    none: '未达标 · 日均 < 0.5 小时',
  },
  shortfallNote: '全科网格日均巡查至少 2 小时；另按 A/B/C 类规则判定',
  giBin: {
    3: '热点（99% 置信）',
    2: '热点（95%）',
    1: '热点（90%）',
    0: '不显著',
    [-1]: '冷点（90%）',
    [-2]: '冷点（95%）',
    [-3]: '冷点（99%）',
  },
  hexResolution: (res) => `H3 分辨率 ${res}（随缩放级别变化）`,
  threeNosStatus: { achieved: '已达标', in_progress: '创建中', failed: '未达标' },
  threeNosYear: (year) => `${year} 年度`,
  uncoveredIncidents: '未被覆盖的事件数',
  householdsOnly: '仅有未覆盖住户',
  gapScore: '盲区得分',
  gapScoreNote: '事件密度 ×（1 − 巡查覆盖）×（1 − 摄像头覆盖）',
  field: {
    gridClass: '网格类别',
    households: '户数',
    residents: '人口',
    staffing: '人员（网格长+指导员+网格员）',
    incidents: '事件',
    openIncidents: '未办结',
    overdueIncidents: '超期',
    cameras: '摄像头（在线/总数）',
    hoursPerDay: '日均巡查',
    hours: '巡查时长',
    daysPatrolled: '巡查天数',
    coverageShare: '覆盖比例',
    unmet: '未达规则',
    uncoveredHouseholds: '未覆盖住户',
    uncoveredIncidents: '未覆盖事件',
    rank: '排名',
    score: '得分',
    patrolCoverage: '巡查覆盖',
    cameraCoverage: '摄像头覆盖',
    hoursSincePatrol: '距上次巡查',
    never: '时段内未巡查',
    reasons: '原因',
    disputes: '矛盾纠纷',
    unresolved: '未化解',
    giZ: 'Gi* z 值',
    status: '状态',
    vetoed: '一票否决',
    criteriaMet: '达标指标',
    broken: '未达指标',
  },
  patrolRule: {
    class_a_days: 'A 类：每周 ≥ 5 天、每天 ≥ 4 小时',
    class_b_half_days: 'B 类：每周 ≥ 3 个半天、每次 ≥ 2 小时',
    class_c_schedule: 'C 类：按场所时间表每次 ≥ 1 小时',
    daily_mean_2h: '日均 ≥ 2 小时',
  },
  gapReason: {
    incidents: '有事件',
    no_patrol: '无巡查',
    rare_patrol: '巡查稀少',
    no_camera: '无摄像头',
    cameras_offline: '摄像头离线',
  },
  yes: '是',
};

const en: AnalyticLayerMessages = {
  heading: 'Analytic layers',
  title: {
    'grid-metrics': 'Grid metrics',
    'patrol-coverage': 'Patrol coverage',
    'camera-coverage': 'Camera gaps',
    'patrol-gaps': 'Patrol gaps',
    hotspots: 'Mediation hotspots',
    'three-nos': 'Three-nos villages',
  },
  summary: {
    'grid-metrics': 'Grids in classes of the chosen metric',
    'patrol-coverage': 'Grids meeting the patrol rules; the others by how far short',
    'camera-coverage': 'Cells with households or incidents no online camera sees',
    'patrol-gaps': 'Cells with incidents, little patrol and no camera, by score',
    hotspots: 'Hot and cold spots of disputes (Getis-Ord Gi*)',
    'three-nos': 'Three-nos status of each village',
  },
  opacity: 'Opacity',
  metric: 'Metric',
  metricName: {
    households: 'Households',
    incidents: 'Incidents',
    openIncidents: 'Open incidents',
    overdueIncidents: 'Overdue incidents',
    cameras: 'Cameras',
    camerasOnlineShare: 'Cameras online',
  },
  loading: 'Loading…',
  retry: 'Retry',
  loadFailed: (title) => `Could not load “${title}”`,
  empty: {
    'grid-metrics': 'No grids in this region',
    'patrol-coverage': 'No patrol tracks in this window',
    'camera-coverage': 'No camera gaps',
    'patrol-gaps': 'No incidents in this window: no patrol gaps',
    hotspots: 'No disputes in this window',
    'three-nos': 'No villages in this region',
  },
  notAvailable: 'Not available to your role',
  windowClamped: (days) => `Only the last ${days} days of the window (the longest this analysis reads)`,
  topCells: (n) => `The ${n} highest-scoring cells`,
  topGapCells: (n) => `The ${n} cells with the most unseen incidents`,
  patrolDaysFew: (most, days) => `Patrol tracks on at most ${most} of the window's ${days} days; the daily mean counts the whole window`,
  noCameras: 'No cameras',
  compliant: 'Compliant',
  shortfall: {
    near: 'Short · ≥ 1.5 h a day',
    mid: 'Short · 1–1.5 h a day',
    low: 'Short · 0.5–1 h a day',
    none: 'Short · < 0.5 h a day',
  },
  shortfallNote: 'Every grid needs 2 h of patrol a day on average, and its class A/B/C rule',
  giBin: {
    3: 'Hot spot (99% confidence)',
    2: 'Hot spot (95%)',
    1: 'Hot spot (90%)',
    0: 'Not significant',
    [-1]: 'Cold spot (90%)',
    [-2]: 'Cold spot (95%)',
    [-3]: 'Cold spot (99%)',
  },
  hexResolution: (res) => `H3 resolution ${res} (follows the zoom)`,
  threeNosStatus: { achieved: 'Achieved', in_progress: 'In progress', failed: 'Failed' },
  threeNosYear: (year) => `Year ${year}`,
  uncoveredIncidents: 'Incidents no camera sees',
  householdsOnly: 'Unseen households only',
  gapScore: 'Gap score',
  gapScoreNote: 'incident density × (1 − patrol coverage) × (1 − camera coverage)',
  field: {
    gridClass: 'Grid class',
    households: 'Households',
    residents: 'Residents',
    staffing: 'Staff (leader + instructor + workers)',
    incidents: 'Incidents',
    openIncidents: 'Open',
    overdueIncidents: 'Overdue',
    cameras: 'Cameras (online / all)',
    hoursPerDay: 'Patrol a day',
    hours: 'Patrol time',
    daysPatrolled: 'Days patrolled',
    coverageShare: 'Share covered',
    unmet: 'Rules not met',
    uncoveredHouseholds: 'Households unseen',
    uncoveredIncidents: 'Incidents unseen',
    rank: 'Rank',
    score: 'Score',
    patrolCoverage: 'Patrol coverage',
    cameraCoverage: 'Camera coverage',
    hoursSincePatrol: 'Since last patrol',
    never: 'not patrolled in the window',
    reasons: 'Reasons',
    disputes: 'Disputes',
    unresolved: 'Unresolved',
    giZ: 'Gi* z-score',
    status: 'Status',
    vetoed: 'Vetoed',
    criteriaMet: 'Criteria met',
    broken: 'Criteria broken',
  },
  patrolRule: {
    class_a_days: 'Class A: ≥ 5 days a week with ≥ 4 h',
    class_b_half_days: 'Class B: ≥ 3 half-days a week with ≥ 2 h',
    class_c_schedule: 'Class C: ≥ 1 h on each scheduled day',
    daily_mean_2h: '≥ 2 h a day on average',
  },
  gapReason: {
    incidents: 'incidents',
    no_patrol: 'no patrol',
    rare_patrol: 'rare patrol',
    no_camera: 'no camera',
    cameras_offline: 'cameras offline',
  },
  yes: 'yes',
};

export const MESSAGES = { zh, en } satisfies Record<Lang, AnalyticLayerMessages>;
