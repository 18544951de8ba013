/**
 * The analyst views (issue 6 §5). Mount `web/src/lib/components/analyst-panel.svelte` beside the
 * map (it is 380 px wide and scrolls by itself), add `analystManager.deckLayers()` to the map's
 * deck.gl layers (read in an effect: they change when a gap is framed), and call
 * `analystManager.reset()` on sign-out.
 */
export {
  analystManager, DEFAULT_PATROL_BAND, GAP_LIST_SIZE, HIGHLIGHT_MS, PATROL_GAPS_MAX_DAYS,
  type GapHighlight, type GapKind,
} from './analyst-manager.svelte';
export { MESSAGES as ANALYST_MESSAGES, type AnalystMessages } from './messages';
export { ANALYST_TABS, type AnalystTab } from './types';
export { incidentExportFilter, incidentExportUrl, type IncidentExportSelection } from './export-url';
