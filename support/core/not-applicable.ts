// An item that does not apply to this cluster (e.g. the GPU items on a cluster without GPUs) is
// neither passed nor failed: its step returns Cucumber's 'skipped' after attaching the reason, so
// every report shows it skipped with why (Cucumber JSON/HTML and Allure show the attachment; JUnit
// shows the skipped step, whose text states the condition). scripts/test.mjs counts such scenarios
// as skipped.
import type { RhoaiWorld } from './world';

export const NOT_APPLICABLE = 'not applicable';

/** Attaches the reason and returns the value that makes Cucumber skip the rest of the scenario. */
export function notApplicable(world: RhoaiWorld, reason: string): 'skipped' {
  world.report.text(NOT_APPLICABLE, `Not applicable: ${reason}`);
  return 'skipped';
}
