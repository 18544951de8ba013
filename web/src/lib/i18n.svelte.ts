/**
 * Interface language: Simplified Chinese by default, English on request. The choice is kept in
 * localStorage; `?lang=en` (or `?lang=zh`) in the URL wins for that page load.
 *
 * Both dictionaries satisfy one `Messages` type, so TypeScript refuses a key missing in either.
 */
import type { AccountRole } from '$geo/access';
import type { ImportFormat } from '$geo/import/types';
import type {
  CameraStatus, GridClass, IncidentCategory, IncidentLevel, IncidentSource, IncidentStatus, LayerId,
  RegionLevel, RiskLevel, WarningColour,
} from '$geo/layers';
import { LAYERS } from '$geo/layers';
import type { ImportPhase, ImportRowAction } from './api/types';

/** Coordinate systems offered for an import (`auto` = what the file declares, else WGS 84). */
export type CrsChoice = 'auto' | 'wgs84' | 'cgcs2000' | 'gcj02' | 'bd09' | 'epsg';

/** Format names are the same in both languages. */
const IMPORT_FORMAT_NAMES: Record<ImportFormat, string> = {
  geojson: 'GeoJSON',
  topojson: 'TopoJSON',
  csv: 'CSV',
  shapefile: 'Shapefile',
  geopackage: 'GeoPackage',
  kml: 'KML / KMZ',
};

/**
 * Row reasons and notes of an import report come from the server in English; the frequent ones
 * are said in the interface language (anything else is shown as the server wrote it).
 */
type ServerTextRule = readonly [RegExp, (m: RegExpExecArray) => string];

function translateWith(rules: readonly ServerTextRule[]): (text: string) => string {
  return (text) => {
    for (const [pattern, say] of rules) {
      const m = pattern.exec(text);
      if (m) return say(m);
    }
    return text;
  };
}

const NO_CRS_NOTE = /^The file declares no coordinate system: read as WGS 84 \(EPSG:4326\)\./;

export const LANGS = ['zh', 'en'] as const;
export type Lang = (typeof LANGS)[number];

const STORAGE_KEY = 'pingan-atlas.lang';

export interface Messages {
  appName: string;
  /** The other language's name, shown on the switch. */
  switchTo: string;
  switchLabel: string;
  loadingCounty: string;
  layersHeading: string;
  legendHeading: string;
  legendEmpty: string;
  loading: string;
  retry: string;
  dismiss: string;
  loadFailed: string;
  features: (n: number) => string;
  truncated: (returned: number, matched: number) => string;
  zoomInToSee: (zoom: number) => string;
  loadLayerFailed: (title: string) => string;
  loadRegionsFailed: string;
  unexpectedError: string;
  mapFailed: string;
  database: (kind: string) => string;
  offline: string;
  gridClassName: Record<GridClass, string>;
  cameraStatusName: Record<CameraStatus, string>;
  incidentCategoryName: Record<IncidentCategory, string>;
  regionLevelName: Record<RegionLevel, string>;
  riskLevelName: Record<RiskLevel, string>;
  incidentLevelName: Record<IncidentLevel, string>;
  incidentStatusName: Record<IncidentStatus, string>;
  incidentSourceName: Record<IncidentSource, string>;
  warningColourName: Record<WarningColour, string>;
  clusterTooltip: (count: number, open: number) => string;
  clusterRed: (n: number) => string;
  opacity: string;
  incidentDisplay: string;
  incidentDisplayName: Record<'clusters' | 'heat' | 'points', string>;
  incidentColourBy: string;
  incidentColourByName: Record<'category' | 'level' | 'warning', string>;
  pointsFromZoom: (zoom: number) => string;
  filtersHeading: string;
  timeWindow: string;
  dateFrom: string;
  dateTo: string;
  windowStart: string;
  windowEnd: string;
  play: string;
  pause: string;
  hoursBand: string;
  allDay: string;
  hourFrom: string;
  hourTo: string;
  filterCategory: string;
  filterLevel: string;
  filterStatus: string;
  filterSource: string;
  filterAll: string;
  resetFilters: string;
  incidentsMatching: (n: number) => string;
  windowDays: (days: number) => string;
  drillHeading: string;
  breadcrumbLabel: string;
  searchPlaceholder: string;
  searchLabel: string;
  searchNoMatch: string;
  figureIncidents: string;
  figureOpen: string;
  figureRed: string;
  figureGrids: string;
  figureHouseholds: string;
  figureCameras: string;
  figureKeyPlaces: string;
  partsHeading: Record<'township' | 'village' | 'grid', string>;
  drillInto: (name: string) => string;
  noParts: string;
  copyLink: string;
  analystViews: string;
  playbackDay: string;
  playbackTime: string;
  playbackPlay: string;
  playbackPause: string;
  playbackStop: string;
  playbackNote: string;
  linkCopied: string;
  addressPointsLegend: string;
  patrolTracksLegend: string;
  cameraSectorsNote: string;
  tooltipCamera: string;
  tooltipIncident: string;
  households: (n: number) => string;
  zoomIn: string;
  zoomOut: string;
  mapLabel: string;
  /** One line under the product name on the sign-in screen. */
  tagline: string;
  signInHeading: string;
  username: string;
  password: string;
  signIn: string;
  signingIn: string;
  signInFailed: string;
  wrongCredentials: string;
  tooManyAttempts: string;
  sessionCheckFailed: string;
  checkingSession: string;
  sessionEnded: string;
  authorisedOnly: string;
  signOut: string;
  signOutFailed: string;
  loadLayerListFailed: string;
  /** Accessible name of the header's user block. */
  signedInAs: (name: string) => string;
  roleName: Record<AccountRole, string>;
  // The import dialog.
  importOpen: string;
  importTitle: string;
  importIntro: string;
  importClose: string;
  importLayer: string;
  importNoLayers: string;
  importFile: string;
  importFileHint: string;
  importFileChosen: (name: string, size: string) => string;
  importCrs: string;
  crsChoiceName: Record<CrsChoice, string>;
  importEpsgCode: string;
  importEpsgInvalid: string;
  importDryRun: string;
  importDryRunAgain: string;
  importCommit: (n: number) => string;
  importCommitNothing: string;
  importSkipRejected: (n: number) => string;
  importSkipRequired: string;
  importUploading: string;
  importPhaseName: Record<ImportPhase, string>;
  importProgress: (done: number, total: number | null) => string;
  importWorkingNote: string;
  importEmpty: string;
  importDryRunFailed: string;
  importFailed: string;
  importRefused: string;
  importReportHeading: string;
  importResultHeading: string;
  importActionName: Record<ImportRowAction, string>;
  importFormatName: Record<ImportFormat, string>;
  importSummary: (read: number, format: string, fileName: string) => string;
  importCrsUsed: string;
  importNotesHeading: string;
  importEarlier: (n: number) => string;
  importRowsHeading: string;
  importColRow: string;
  importColResult: string;
  importColDetail: string;
  importRowsShown: (shown: number, total: number) => string;
  importRowsLoading: string;
  importRowsFailed: string;
  importNoRows: string;
  importDownloadCsv: string;
  importRecordId: (id: string) => string;
  /** A dry run's new row, which has no id yet. */
  importWillCreate: string;
  importDone: (layer: string, written: number) => string;
  importDoneDetail: (created: number, updated: number, unchanged: number, skipped: number) => string;
  importBatch: (id: number) => string;
  importShowOnMap: string;
  importAnother: string;
  /** A row reason or note from the server, in this language when it is a known one. */
  importServerText: (text: string) => string;
}

const zh: Messages = {
  appName: '平安一张图',
  switchTo: 'English',
  switchLabel: 'Switch to English',
  loadingCounty: '正在加载…',
  layersHeading: '图层',
  legendHeading: '图例',
  legendEmpty: '没有可见图层',
  loading: '加载中',
  retry: '重试',
  dismiss: '关闭',
  loadFailed: '加载失败',
  features: (n) => `${n.toLocaleString('zh-CN')} 个`,
  truncated: (returned, matched) =>
    `仅显示 ${returned.toLocaleString('zh-CN')} / ${matched.toLocaleString('zh-CN')}`,
  zoomInToSee: (zoom) => `放大至 ${zoom} 级后显示`,
  loadLayerFailed: (title) => `图层“${title}”加载失败`,
  loadRegionsFailed: '行政区划加载失败',
  unexpectedError: '发生意外错误，请稍后重试。',
  mapFailed: '地图无法初始化（浏览器可能不支持 WebGL）',
  database: (kind) => `数据库：${kind}`,
  offline: '服务不可用',
  gridClassName: { A: '复杂网格', B: '简单网格', C: '专属网格' },
  cameraStatusName: { online: '在线', offline: '离线', fault: '故障' },
  incidentCategoryName: {
    dispute: '矛盾纠纷',
    safety_hazard: '安全隐患',
    public_order: '治安',
    fire: '消防',
    traffic: '交通',
    work_safety: '安全生产',
    environment: '环境',
    livelihood: '民生诉求',
    petition: '信访',
    criminal_case: '刑事案件',
  },
  regionLevelName: { county: '县界', township: '乡镇（街道）界', village: '村（社区）界', natural_village: '自然村界' },
  riskLevelName: { low: '低风险', medium: '中风险', high: '高风险' },
  incidentLevelName: { general: '一般', major: '重大', especially_major: '特别重大' },
  incidentStatusName: { reported: '已上报', accepted: '已受理', in_progress: '处置中', escalated: '已上报上级', resolved: '已办结', closed: '已关闭' },
  incidentSourceName: { grid_worker: '网格员上报', public: '群众反映', hotline_12345: '12345热线', camera: '视频发现' },
  warningColourName: { red: '红色预警', orange: '橙色预警', yellow: '黄色预警' },
  clusterTooltip: (count, open) => `${count.toLocaleString('zh-CN')} 起事件，其中未办结 ${open.toLocaleString('zh-CN')} 起\n点击放大`,
  clusterRed: (n) => `红色预警 ${n} 起`,
  opacity: '透明度',
  incidentDisplay: '显示方式',
  incidentDisplayName: { clusters: '聚合', heat: '热力', points: '点位' },
  incidentColourBy: '着色依据',
  incidentColourByName: { category: '类别', level: '等级', warning: '三色预警' },
  pointsFromZoom: (zoom) => `放大到 ${zoom} 级显示单个事件`,
  filtersHeading: '筛选',
  timeWindow: '时间范围',
  dateFrom: '开始日期',
  dateTo: '结束日期',
  windowStart: '时间窗起点',
  windowEnd: '时间窗终点',
  play: '播放',
  pause: '暂停',
  hoursBand: '时段',
  allDay: '全天',
  hourFrom: '起始小时',
  hourTo: '结束小时',
  filterCategory: '类别',
  filterLevel: '等级',
  filterStatus: '状态',
  filterSource: '来源',
  filterAll: '全部',
  resetFilters: '重置筛选',
  incidentsMatching: (n) => `${n.toLocaleString('zh-CN')} 起事件`,
  windowDays: (days) => `${days} 天`,
  drillHeading: '区域',
  breadcrumbLabel: '当前区域',
  searchPlaceholder: '搜索乡镇、村、网格名称或编码',
  searchLabel: '搜索区域或网格',
  searchNoMatch: '没有匹配的区域或网格',
  figureIncidents: '事件',
  figureOpen: '未办结',
  figureRed: '红色预警',
  figureGrids: '网格',
  figureHouseholds: '户数',
  figureCameras: '摄像头（在线）',
  figureKeyPlaces: '重点场所',
  partsHeading: { township: '下辖乡镇（街道）', village: '下辖村（社区）', grid: '网格' },
  drillInto: (name) => `进入 ${name}`,
  noParts: '没有下级区域',
  copyLink: '复制链接',
  analystViews: '研判分析',
  playbackDay: '回放日期',
  playbackTime: '回放时刻',
  playbackPlay: '回放',
  playbackPause: '暂停',
  playbackStop: '结束回放',
  playbackNote: '按匀速沿轨迹推算位置',
  linkCopied: '链接已复制，可分享当前视图',
  addressPointsLegend: '地址点（按户数）',
  patrolTracksLegend: '巡查轨迹',
  cameraSectorsNote: '放大后显示监控视域',
  tooltipCamera: '监控',
  tooltipIncident: '事件',
  households: (n) => `${n} 户`,
  zoomIn: '放大',
  zoomOut: '缩小',
  mapLabel: '地图',
  tagline: '基层社会治理态势一张图',
  signInHeading: '账号登录',
  username: '用户名',
  password: '密码',
  signIn: '登录',
  signingIn: '正在登录…',
  signInFailed: '登录失败',
  wrongCredentials: '用户名或密码错误，或账号已停用',
  tooManyAttempts: '登录失败次数过多，请稍后再试',
  sessionCheckFailed: '无法确认登录状态',
  checkingSession: '正在检查登录状态…',
  sessionEnded: '会话已结束，请重新登录',
  authorisedOnly: '仅限授权工作人员使用，操作将被记录。',
  signOut: '退出登录',
  signOutFailed: '退出登录失败',
  loadLayerListFailed: '图层目录加载失败',
  signedInAs: (name) => `当前用户：${name}`,
  roleName: {
    admin: '系统管理员',
    planner: '网格规划员',
    analyst: '研判分析员',
    operator: '事件处置员',
    display: '大屏展示',
  },
  importOpen: '导入数据',
  importTitle: '导入数据',
  importIntro: '先“试导入”逐行检查文件，确认结果后再写入图层。',
  importClose: '关闭',
  importLayer: '目标图层',
  importNoLayers: '您的角色没有可导入的图层。',
  importFile: '文件',
  importFileHint: '支持 GeoJSON、TopoJSON、CSV（经纬度或 WKT 列）、Shapefile（zip 压缩包）、GeoPackage、KML / KMZ',
  importFileChosen: (name, size) => `${name}（${size}）`,
  importCrs: '坐标系',
  crsChoiceName: {
    auto: '自动（按文件声明，未声明按 WGS 84）',
    wgs84: 'WGS 84（EPSG:4326，GPS）',
    cgcs2000: 'CGCS2000（EPSG:4490）',
    gcj02: 'GCJ-02（高德、腾讯地图）',
    bd09: 'BD-09（百度地图）',
    epsg: '其他 EPSG 代码…',
  },
  importEpsgCode: 'EPSG 代码',
  importEpsgInvalid: '请输入 EPSG 代码数字，例如 4549',
  importDryRun: '试导入',
  importDryRunAgain: '重新试导入',
  importCommit: (n) => `导入 ${n.toLocaleString('zh-CN')} 行`,
  importCommitNothing: '没有需要写入的行：文件中的记录均已存在或被拒绝。',
  importSkipRejected: (n) => `跳过 ${n.toLocaleString('zh-CN')} 条被拒绝的行，只导入其余的行`,
  importSkipRequired: '有被拒绝的行：勾选“跳过”后才能导入，或修改文件后重新试导入。',
  importUploading: '正在上传文件…',
  importPhaseName: {
    reading: '读取文件',
    checking: '逐行检查',
    placing: '定位到村（社区）和网格',
    writing: '写入',
    done: '完成',
  },
  importProgress: (done, total) =>
    total === null ? `${done.toLocaleString('zh-CN')} 行` : `${done.toLocaleString('zh-CN')} / ${total.toLocaleString('zh-CN')} 行`,
  importWorkingNote: '关闭窗口不会中断导入，重新打开可查看进度。',
  importEmpty: '选择图层和文件后点击“试导入”：这里将列出每一行会新增、更新、不变还是被拒绝，此时不会写入任何数据。',
  importDryRunFailed: '试导入失败',
  importFailed: '导入失败',
  importRefused: '未写入任何数据',
  importReportHeading: '试导入结果',
  importResultHeading: '导入结果',
  importActionName: { create: '新增', update: '更新', unchanged: '不变', rejected: '拒绝' },
  importFormatName: IMPORT_FORMAT_NAMES,
  importSummary: (read, format, fileName) => `${fileName} · ${format} · 共读取 ${read.toLocaleString('zh-CN')} 行`,
  importCrsUsed: '所用坐标系',
  importNotesHeading: '提示',
  importEarlier: (n) => `同一文件此前已导入该图层 ${n} 次。`,
  importRowsHeading: '逐行结果',
  importColRow: '行号',
  importColResult: '结果',
  importColDetail: '说明',
  importRowsShown: (shown, total) =>
    shown < total
      ? `显示 ${shown.toLocaleString('zh-CN')} / ${total.toLocaleString('zh-CN')} 行（被拒绝的行在前）`
      : `共 ${total.toLocaleString('zh-CN')} 行（被拒绝的行在前）`,
  importRowsLoading: '正在加载逐行结果…',
  importRowsFailed: '逐行结果加载失败',
  importNoRows: '没有可显示的行',
  importDownloadCsv: '下载完整报告（CSV）',
  importRecordId: (id) => `记录 ${id}`,
  importWillCreate: '将新增为一条记录',
  importDone: (layer, written) => `已导入“${layer}” ${written.toLocaleString('zh-CN')} 条记录`,
  importDoneDetail: (created, updated, unchanged, skipped) =>
    `新增 ${created}，更新 ${updated}，不变 ${unchanged}，跳过 ${skipped}`,
  importBatch: (id) => `导入批次 #${id}`,
  importShowOnMap: '在地图上查看',
  importAnother: '导入其他文件',
  importServerText: translateWith([
    [/^outside your region: no village of yours contains it$/, () => '超出您的管辖区域：不在您负责的任何村（社区）内'],
    [/^region (\S+) is outside your region$/, (m) => `区划 ${m[1]} 超出您的管辖区域`],
    [/^no geometry$/, () => '缺少几何图形'],
    [/^geometry: outside longitude\/latitude range after transforming to WGS 84$/, () => '几何图形：转换到 WGS 84 后超出经纬度范围'],
    [NO_CRS_NOTE, () => '文件未声明坐标系，已按 WGS 84（EPSG:4326）读取。高德、腾讯地图的数据请选择 GCJ-02，百度地图的数据请选择 BD-09。'],
  ]),
};

const en: Messages = {
  appName: 'Pingan Atlas',
  switchTo: '中文',
  switchLabel: '切换到中文',
  loadingCounty: 'Loading…',
  layersHeading: 'Layers',
  legendHeading: 'Legend',
  legendEmpty: 'No visible layers',
  loading: 'Loading',
  retry: 'Retry',
  dismiss: 'Dismiss',
  loadFailed: 'Failed to load',
  features: (n) => `${n.toLocaleString('en-US')}`,
  truncated: (returned, matched) =>
    `showing ${returned.toLocaleString('en-US')} of ${matched.toLocaleString('en-US')}`,
  zoomInToSee: (zoom) => `Zoom in to level ${zoom} to see`,
  loadLayerFailed: (title) => `Could not load layer “${title}”`,
  loadRegionsFailed: 'Could not load administrative regions',
  unexpectedError: 'Something went wrong. Please try again.',
  mapFailed: 'The map could not start (the browser may lack WebGL)',
  database: (kind) => `Database: ${kind}`,
  offline: 'Service unavailable',
  gridClassName: { A: 'Complex grid', B: 'Simple grid', C: 'Dedicated grid' },
  cameraStatusName: { online: 'Online', offline: 'Offline', fault: 'Fault' },
  incidentCategoryName: {
    dispute: 'Dispute',
    safety_hazard: 'Safety hazard',
    public_order: 'Public order',
    fire: 'Fire',
    traffic: 'Traffic',
    work_safety: 'Work safety',
    environment: 'Environment',
    livelihood: 'Livelihood request',
    petition: 'Petition',
    criminal_case: 'Criminal case',
  },
  regionLevelName: {
    county: 'County boundary',
    township: 'Township boundary',
    village: 'Village boundary',
    natural_village: 'Natural village boundary',
  },
  riskLevelName: { low: 'Low risk', medium: 'Medium risk', high: 'High risk' },
  incidentLevelName: { general: 'General', major: 'Major', especially_major: 'Especially major' },
  incidentStatusName: { reported: 'Reported', accepted: 'Accepted', in_progress: 'In progress', escalated: 'Escalated', resolved: 'Resolved', closed: 'Closed' },
  incidentSourceName: { grid_worker: 'Grid worker', public: 'Public', hotline_12345: '12345 hotline', camera: 'Camera' },
  warningColourName: { red: 'Red warning', orange: 'Orange warning', yellow: 'Yellow warning' },
  clusterTooltip: (count, open) => `${count.toLocaleString('en')} incidents, ${open.toLocaleString('en')} open\nClick to zoom in`,
  clusterRed: (n) => `${n} with a red warning`,
  opacity: 'Opacity',
  incidentDisplay: 'Display',
  incidentDisplayName: { clusters: 'Clusters', heat: 'Heat', points: 'Points' },
  incidentColourBy: 'Colour by',
  incidentColourByName: { category: 'Category', level: 'Level', warning: 'Warning' },
  pointsFromZoom: (zoom) => `Single incidents from zoom ${zoom}`,
  filtersHeading: 'Filters',
  timeWindow: 'Time window',
  dateFrom: 'From date',
  dateTo: 'To date',
  windowStart: 'Window start',
  windowEnd: 'Window end',
  play: 'Play',
  pause: 'Pause',
  hoursBand: 'Hours',
  allDay: 'All day',
  hourFrom: 'From hour',
  hourTo: 'To hour',
  filterCategory: 'Category',
  filterLevel: 'Level',
  filterStatus: 'Status',
  filterSource: 'Source',
  filterAll: 'All',
  resetFilters: 'Reset filters',
  incidentsMatching: (n) => `${n.toLocaleString('en')} incidents`,
  windowDays: (days) => `${days} days`,
  drillHeading: 'Region',
  breadcrumbLabel: 'Current region',
  searchPlaceholder: 'Search townships, villages, grids by name or code',
  searchLabel: 'Search regions or grids',
  searchNoMatch: 'No region or grid matches',
  figureIncidents: 'Incidents',
  figureOpen: 'Open',
  figureRed: 'Red warnings',
  figureGrids: 'Grids',
  figureHouseholds: 'Households',
  figureCameras: 'Cameras (online)',
  figureKeyPlaces: 'Key places',
  partsHeading: { township: 'Townships', village: 'Villages', grid: 'Grids' },
  drillInto: (name) => `Open ${name}`,
  noParts: 'No parts below this region',
  copyLink: 'Copy link',
  analystViews: 'Analyst views',
  playbackDay: 'Day',
  playbackTime: 'Time of day',
  playbackPlay: 'Replay',
  playbackPause: 'Pause',
  playbackStop: 'End replay',
  playbackNote: 'positions assume a steady pace along each track',
  linkCopied: 'Link copied: it opens this view',
  addressPointsLegend: 'Address points (by households)',
  patrolTracksLegend: 'Patrol tracks',
  cameraSectorsNote: 'View sectors appear when zoomed in',
  tooltipCamera: 'Camera',
  tooltipIncident: 'Incident',
  households: (n) => `${n} household${n === 1 ? '' : 's'}`,
  zoomIn: 'Zoom in',
  zoomOut: 'Zoom out',
  mapLabel: 'Map',
  tagline: 'One map for grassroots safety and governance',
  signInHeading: 'Sign in',
  username: 'Username',
  password: 'Password',
  signIn: 'Sign in',
  signingIn: 'Signing in…',
  signInFailed: 'Sign-in failed',
  wrongCredentials: 'Wrong username or password',
  tooManyAttempts: 'Too many failed sign-ins: wait before trying again',
  sessionCheckFailed: 'Could not check your session',
  checkingSession: 'Checking your session…',
  sessionEnded: 'Your session has ended: sign in again',
  authorisedOnly: 'For authorised staff only. Actions are recorded.',
  signOut: 'Sign out',
  signOutFailed: 'Could not sign out',
  loadLayerListFailed: 'Could not load the layer list',
  signedInAs: (name) => `Signed in as ${name}`,
  roleName: {
    admin: 'Administrator',
    planner: 'Grid planner',
    analyst: 'Analyst',
    operator: 'Incident operator',
    display: 'Wall display',
  },
  importOpen: 'Import data',
  importTitle: 'Import data',
  importIntro: 'A dry run checks every row of the file first; nothing is written until you import.',
  importClose: 'Close',
  importLayer: 'Target layer',
  importNoLayers: 'Your role cannot import into any layer.',
  importFile: 'File',
  importFileHint: 'GeoJSON, TopoJSON, CSV (longitude/latitude or WKT columns), zipped Shapefile, GeoPackage, KML / KMZ',
  importFileChosen: (name, size) => `${name} (${size})`,
  importCrs: 'Coordinate system',
  crsChoiceName: {
    auto: 'Automatic (as the file declares, else WGS 84)',
    wgs84: 'WGS 84 (EPSG:4326, GPS)',
    cgcs2000: 'CGCS2000 (EPSG:4490)',
    gcj02: 'GCJ-02 (Amap, Tencent)',
    bd09: 'BD-09 (Baidu)',
    epsg: 'Other EPSG code…',
  },
  importEpsgCode: 'EPSG code',
  importEpsgInvalid: 'Enter an EPSG code number, e.g. 4549',
  importDryRun: 'Dry run',
  importDryRunAgain: 'Dry run again',
  importCommit: (n) => `Import ${n.toLocaleString('en-US')} row${n === 1 ? '' : 's'}`,
  importCommitNothing: 'Nothing to write: every record in the file already exists or is rejected.',
  importSkipRejected: (n) => `Skip the ${n.toLocaleString('en-US')} rejected row${n === 1 ? '' : 's'} and import the rest`,
  importSkipRequired: 'Some rows are rejected: tick “skip” to import the others, or fix the file and run the dry run again.',
  importUploading: 'Uploading the file…',
  importPhaseName: {
    reading: 'Reading the file',
    checking: 'Checking rows',
    placing: 'Placing rows in villages and grids',
    writing: 'Writing',
    done: 'Done',
  },
  importProgress: (done, total) =>
    total === null ? `${done.toLocaleString('en-US')} rows` : `${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} rows`,
  importWorkingNote: 'Closing this window does not stop the import; open it again to see how it goes.',
  importEmpty: 'Choose a layer and a file, then run a dry run: every row will be listed as new, updated, unchanged or rejected. Nothing is written yet.',
  importDryRunFailed: 'Dry run failed',
  importFailed: 'Import failed',
  importRefused: 'Nothing was written',
  importReportHeading: 'Dry run result',
  importResultHeading: 'Import result',
  importActionName: { create: 'New', update: 'Update', unchanged: 'Unchanged', rejected: 'Rejected' },
  importFormatName: IMPORT_FORMAT_NAMES,
  importSummary: (read, format, fileName) => `${fileName} · ${format} · ${read.toLocaleString('en-US')} row${read === 1 ? '' : 's'} read`,
  importCrsUsed: 'Coordinate system used',
  importNotesHeading: 'Notes',
  importEarlier: (n) => `This very file was imported into this layer ${n === 1 ? 'once' : `${n} times`} before.`,
  importRowsHeading: 'Row by row',
  importColRow: 'Row',
  importColResult: 'Result',
  importColDetail: 'Details',
  importRowsShown: (shown, total) =>
    shown < total
      ? `Showing ${shown.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} rows (rejected first)`
      : `${total.toLocaleString('en-US')} row${total === 1 ? '' : 's'} (rejected first)`,
  importRowsLoading: 'Loading the rows…',
  importRowsFailed: 'Could not load the rows',
  importNoRows: 'No rows to show',
  importDownloadCsv: 'Download the full report (CSV)',
  importRecordId: (id) => `record ${id}`,
  importWillCreate: 'Will be added as a new record',
  importDone: (layer, written) => `Imported ${written.toLocaleString('en-US')} record${written === 1 ? '' : 's'} into “${layer}”`,
  importDoneDetail: (created, updated, unchanged, skipped) =>
    `${created} new, ${updated} updated, ${unchanged} unchanged, ${skipped} skipped`,
  importBatch: (id) => `Import batch #${id}`,
  importShowOnMap: 'Show on map',
  importAnother: 'Import another file',
  importServerText: translateWith([
    [NO_CRS_NOTE, () => 'The file declares no coordinate system: read as WGS 84 (EPSG:4326). Choose GCJ-02 for Amap or Tencent data, BD-09 for Baidu data.'],
  ]),
};

const DICTIONARIES: Record<Lang, Messages> = { zh, en };

function isLang(value: string | null | undefined): value is Lang {
  return value === 'zh' || value === 'en';
}

/** The language for this page load: `?lang=` first, then the stored choice, then Chinese. */
function initialLang(): Lang {
  if (typeof window === 'undefined') return 'zh';
  const fromUrl = new URLSearchParams(window.location.search).get('lang');
  if (isLang(fromUrl)) return fromUrl;
  try {
    const stored = window.localStorage.getItem(STORAGE_KEY);
    if (isLang(stored)) return stored;
  } catch {
    // Storage can be disabled (private mode, policy): the default is fine.
  }
  return 'zh';
}

class I18nManager {
  lang = $state<Lang>(initialLang());
  /** The active dictionary. */
  t = $derived<Messages>(DICTIONARIES[this.lang]);

  /** BCP 47 tag for `<html lang>` and number formatting. */
  get locale(): string {
    return this.lang === 'zh' ? 'zh-CN' : 'en';
  }

  setLang(lang: Lang): void {
    this.lang = lang;
    try {
      window.localStorage.setItem(STORAGE_KEY, lang);
    } catch {
      // See initialLang: not being able to persist is not an error worth showing.
    }
    // Keep an explicit `?lang=` in step, or a reload would undo the user's choice.
    const url = new URL(window.location.href);
    if (url.searchParams.has('lang')) {
      url.searchParams.set('lang', lang);
      window.history.replaceState(window.history.state, '', url);
    }
  }

  toggle(): void {
    this.setLang(this.lang === 'zh' ? 'en' : 'zh');
  }

  layerTitle(id: LayerId): string {
    return LAYERS[id].title[this.lang];
  }
}

export const i18n = new I18nManager();
