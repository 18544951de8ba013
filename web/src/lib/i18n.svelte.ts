/**
 * Interface language: Simplified Chinese by default, English on request. The choice is kept in
 * localStorage; `?lang=en` (or `?lang=zh`) in the URL wins for that page load.
 *
 * Both dictionaries satisfy one `Messages` type, so TypeScript refuses a key missing in either.
 */
import type { AccountRole } from '$geo/access';
import type {
  CameraStatus, GridClass, IncidentCategory, LayerId, RegionLevel, RiskLevel,
} from '$geo/layers';
import { LAYERS } from '$geo/layers';

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
