/**
 * What an operator needs to know about a source, derived from its stored state.
 *
 * Rules:
 * - One state per source, the most urgent first: gone (410, polling stopped),
 *   failing (the last attempt failed), moved (fetched from a new URL after a
 *   301/308: fix config.json), not-modified, ok; never-checked before the first poll.
 * - A source failing for longer than the configured period is flagged `alert`,
 *   so a long outage is never silent. Pure: the clock is an argument.
 */
import type { LoadedConfig } from '../config/index.js';
import type { SourceHealthState, SourceState } from '../model/index.js';

export interface SourceHealth {
  name: string;
  state: SourceHealthState;
  configuredUrl: string;
  /** The URL actually fetched (differs from configuredUrl after a permanent move). */
  url: string;
  movedTo?: string;
  lastFetchAt: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  lastStatus: number | null;
  consecutiveFailures: number;
  failingSince: string | null;
  /** Failing for longer than fetch.failingAlertHours. */
  alert: boolean;
  nextCheckAt: string | null;
  itemsSeen: number;
  itemsKept: number;
}

export function sourceHealth(name: string, configuredUrl: string, state: SourceState | undefined, now: Date, failingAlertHours: number): SourceHealth {
  if (!state) {
    return { name, state: 'never-checked', configuredUrl, url: configuredUrl, lastFetchAt: null, lastSuccessAt: null, lastError: null, lastStatus: null, consecutiveFailures: 0, failingSince: null, alert: false, nextCheckAt: null, itemsSeen: 0, itemsKept: 0 };
  }
  const moved = state.url !== configuredUrl;
  const failing = state.consecutiveFailures > 0;
  const failingFor = failing && state.failingSince ? now.getTime() - Date.parse(state.failingSince) : 0;
  const kind: SourceHealthState = state.goneAt ? 'gone' : failing ? 'failing' : moved ? 'moved' : state.lastOutcome === 'not-modified' ? 'not-modified' : 'ok';
  return {
    name,
    state: kind,
    configuredUrl,
    url: state.url,
    movedTo: moved ? state.url : undefined,
    lastFetchAt: state.lastFetchAt,
    lastSuccessAt: state.lastSuccessAt,
    lastError: state.lastError,
    lastStatus: state.lastStatus,
    consecutiveFailures: state.consecutiveFailures,
    failingSince: failing ? state.failingSince : null,
    alert: kind === 'failing' && failingFor > failingAlertHours * 3_600_000,
    nextCheckAt: state.goneAt ? null : state.nextCheckAt,
    itemsSeen: state.itemsSeen,
    itemsKept: state.itemsKept,
  };
}

/** The sentence the log and the run summary print for a source that needs the operator. */
export function healthNotice(h: SourceHealth, failingAlertHours: number): string | undefined {
  if (h.state === 'gone') return `source "${h.name}" is gone (HTTP 410) and is no longer polled: remove it from config.json or change its URL`;
  if (h.alert) return `source "${h.name}" has been failing since ${h.failingSince} (more than ${failingAlertHours} h, ${h.consecutiveFailures} failures): ${h.lastError}`;
  if (h.movedTo) return `source "${h.name}" moved permanently to ${h.movedTo}: update its url in config.json (was ${h.configuredUrl})`;
  return undefined;
}

/** Every configured source's health, in config order (`states`: the stored ones, by name). */
export function sourceHealths(config: Pick<LoadedConfig, 'sources' | 'fetch'>, states: ReadonlyMap<string, SourceState>, now: Date): SourceHealth[] {
  return config.sources.map((src) => sourceHealth(src.name, src.url, states.get(src.name), now, config.fetch.failingAlertHours));
}

/** Sources that need attention: failing or gone. */
export function isUnhealthy(h: SourceHealth): boolean {
  return h.state === 'failing' || h.state === 'gone';
}
