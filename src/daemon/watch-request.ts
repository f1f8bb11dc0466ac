// PM2's `stop --watch` and `restart --watch [paths]` as pure policy over an app's watch value, and the one test of
// whether a watch value watches anything (the daemon's watchers and the CLI's `watching` column both ask it).

/** What stop and restart ask of an app's watching: off (false), 'toggle', on again (true), or these paths. */
export type WatchRequest = false | 'toggle' | true | string[];

/** An app's watch value and the one remembered for turning watching on again. */
export interface WatchState {
  watch: boolean | string[];
  lastWatch?: true | string[];
}

// True when a watch value watches something (an empty list watches nothing, as for `describe`).
export function isWatching(watch: boolean | string[]): watch is true | string[] {
  return watch === true || (Array.isArray(watch) && watch.length > 0);
}

// PM2's `stop --watch` / `restart --watch [paths]` as policy: off remembers the value it replaces; on restores the
// remembered value, or true (the app's cwd) when there is none; paths are taken as given.
export function applyWatchRequest(state: WatchState, request: WatchRequest): WatchState {
  const on = request === 'toggle' ? !isWatching(state.watch) : request !== false;
  if (Array.isArray(request)) return { ...state, watch: [...request] };
  if (!on) return isWatching(state.watch) ? { watch: false, lastWatch: state.watch } : { ...state, watch: false };
  return isWatching(state.watch) ? state : { ...state, watch: state.lastWatch ?? true };
}
