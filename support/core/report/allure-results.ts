// Results the harness adds to allure-results itself, beside those of the Allure formatter: the plan
// of a plan-mode run and the checklist matrix. Written in Allure 2's result format (<uuid>-result.json
// with attachments as <uuid>-attachment.<ext>), so that `allure generate` shows them with the rest.
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface ExtraAttachment {
  name: string;
  type: string;
  /** File extension without the dot. */
  ext: string;
  content: string;
}

export interface ExtraResult {
  name: string;
  fullName: string;
  status: 'passed' | 'failed' | 'broken' | 'skipped' | 'unknown';
  statusDetails?: { message?: string; trace?: string };
  description?: string;
  descriptionHtml?: string;
  labels?: { name: string; value: string }[];
  links?: { name?: string; url: string; type?: string }[];
  attachments?: ExtraAttachment[];
  parameters?: { name: string; value: string }[];
}

/** Writes one result (and its attachments) into the results directory; returns its uuid. */
export function writeAllureResult(resultsDir: string, result: ExtraResult, now = Date.now()): string {
  fs.mkdirSync(resultsDir, { recursive: true });
  const uuid = randomUUID();
  const attachments = (result.attachments ?? []).map((a) => {
    const source = `${randomUUID()}-attachment.${a.ext}`;
    fs.writeFileSync(path.join(resultsDir, source), a.content);
    return { name: a.name, type: a.type, source };
  });
  const body = {
    uuid,
    historyId: result.fullName,
    testCaseId: result.fullName,
    name: result.name,
    fullName: result.fullName,
    status: result.status,
    statusDetails: result.statusDetails ?? {},
    stage: 'finished',
    description: result.description,
    descriptionHtml: result.descriptionHtml,
    labels: result.labels ?? [],
    links: result.links ?? [],
    parameters: result.parameters ?? [],
    attachments,
    steps: [],
    start: now,
    stop: now,
  };
  fs.writeFileSync(path.join(resultsDir, `${uuid}-result.json`), JSON.stringify(body, null, 2));
  return uuid;
}
