// The six-field cron expressions of the dashboard's "Cron" run type (seconds first, as KFP's
// ScheduledWorkflow reads them with robfig/cron's seconds option; createRun/const.ts default
// "0 0 0 * * *"): which UTC times an expression names.
export interface Cron6 {
  text: string;
  matches(t: Date): boolean;
}

export function parseCron6(text: string): Cron6 {
  const parts = text.trim().split(/\s+/);
  if (parts.length !== 6) throw new Error(`the cron expression "${text}" has ${parts.length} fields, not six (seconds first)`);
  const ranges: [number, number][] = [
    [0, 59],
    [0, 59],
    [0, 23],
    [1, 31],
    [1, 12],
    [0, 6],
  ];
  const sets = parts.map((p, i) => {
    const [lo, hi] = ranges[i]!;
    const set = new Set<number>();
    for (const piece of p.split(',')) {
      const m = /^(\*|\?|\d+(?:-\d+)?)(?:\/(\d+))?$/.exec(piece);
      if (!m) throw new Error(`the cron expression "${text}" has an unreadable field "${p}"`);
      let [from, to] = [lo, hi];
      if (m[1] !== '*' && m[1] !== '?') {
        const [a, b] = m[1]!.split('-').map(Number);
        from = a!;
        to = b ?? (m[2] ? hi : a!);
      }
      for (let x = from; x <= to; x += Number(m[2] ?? 1)) set.add(x);
    }
    return set;
  });
  return {
    text,
    matches: (t) =>
      sets[0]!.has(t.getUTCSeconds()) &&
      sets[1]!.has(t.getUTCMinutes()) &&
      sets[2]!.has(t.getUTCHours()) &&
      sets[3]!.has(t.getUTCDate()) &&
      sets[4]!.has(t.getUTCMonth() + 1) &&
      sets[5]!.has(t.getUTCDay()),
  };
}
