// An app's environment, merged PM2's way: deploy env < shell env < `env` < `env_<name>`; null in a layer removes a variable.

/** One layer of variables; null removes the variable set by a lower layer. */
export type EnvLayer = Readonly<Record<string, string | null>>;

// The shell environment after PM2's filter_env: true drops it all, a list drops every variable whose name contains an entry.
export function filterShellEnv(shellEnv: NodeJS.ProcessEnv, filter: boolean | readonly string[]): Record<string, string> {
  if (filter === true) return {};
  const patterns = filter === false ? [] : filter;
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(shellEnv)) {
    if (value === undefined) continue;
    if (patterns.some((pattern) => name.includes(pattern))) continue;
    kept[name] = value;
  }
  return kept;
}

// Merges layers, lowest priority first, into one environment.
export function mergeEnv(layers: readonly EnvLayer[]): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const layer of layers) {
    for (const [name, value] of Object.entries(layer)) {
      if (value === null) delete merged[name];
      else merged[name] = value;
    }
  }
  return merged;
}
