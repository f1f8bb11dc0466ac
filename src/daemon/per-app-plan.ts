// Which per-app jobs (cron schedules, file watchers) to stop and which to start so the running ones match what the
// apps ask for now: pure, shared by every per-app policy of the daemon.

/** The apps whose running job must go, and the wanted jobs to start (a changed one appears in both). */
export interface PerAppPlan<W> {
  remove: string[];
  add: W[];
}

// Compares the running jobs (app -> what it runs) with the wanted ones: a job that is the same keeps running.
export function planPerApp<R, W>(running: ReadonlyMap<string, R>, wanted: ReadonlyMap<string, W>, same: (running: R, wanted: W) => boolean): PerAppPlan<W> {
  const plan: PerAppPlan<W> = { remove: [], add: [] };
  for (const [app, job] of running) {
    const want = wanted.get(app);
    if (want === undefined || !same(job, want)) plan.remove.push(app);
  }
  for (const [app, want] of wanted) {
    const job = running.get(app);
    if (job === undefined || !same(job, want)) plan.add.push(want);
  }
  return plan;
}
