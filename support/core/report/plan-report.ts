// The end of a plan-mode run (RHOAI_PLAN=1): the plan printed, written to reports/plan.txt and
// plan.json (plan-<worker>.* in a parallel run), and added to the Allure report as a result of its
// own ("Plan (RHOAI_PLAN=1)", status skipped: a plan proves nothing passed).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Plan } from '../cluster';
import type { Redactor } from '../redact';
import { writeAllureResult } from './allure-results';

export function writePlan(plan: Plan, reportsDir: string, resultsDir: string, redactor: Redactor, worker?: string): string {
  const text = redactor.redactText(plan.format());
  const json = redactor.redactText(JSON.stringify(plan.toJSON(), null, 2));
  const suffix = worker ? `-${worker}` : '';
  fs.mkdirSync(reportsDir, { recursive: true });
  fs.writeFileSync(path.join(reportsDir, `plan${suffix}.txt`), `${text}\n`);
  fs.writeFileSync(path.join(reportsDir, `plan${suffix}.json`), `${json}\n`);
  const counts = `${plan.list('create').length} would create, ${plan.list('change').length} would change, ${plan.list('delete').length} would delete, ${plan.list('unchanged').length} unchanged; ${plan.notRun.length} steps not run`;
  writeAllureResult(resultsDir, {
    name: `Plan (RHOAI_PLAN=1)${worker ? ` worker ${worker}` : ''}`,
    fullName: `rhoai-harness:plan${suffix}`,
    status: 'skipped',
    statusDetails: { message: `plan mode: nothing was created or changed. ${counts}` },
    description:
      'Every write of this run was sent as a server-side dry run (dryRun=All). The attachment lists per object what a run without RHOAI_PLAN would do.',
    labels: [
      { name: 'epic', value: 'Run' },
      { name: 'feature', value: 'Plan' },
      { name: 'suite', value: 'Plan' },
    ],
    attachments: [
      { name: 'plan', type: 'text/plain', ext: 'txt', content: text },
      { name: 'plan.json', type: 'application/json', ext: 'json', content: json },
    ],
  });
  return text;
}
