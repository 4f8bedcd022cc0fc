// The scaler of the tutorial's training, from the tutorial's workbench (the training run when the
// clone has no model yet, so that scaler and model come from the same notebook).
import { cloneDirectory, ensureModelTrained } from '../tutorial/fraud-detection';
import { execInWorkbench } from '../tutorial/workbench-checks';
import { currentWorkbench } from '../tutorial/workbenches';
import type { RhoaiWorld } from '../core/world';
import { readFraudScaler, type FraudScaler } from './scaler';

export async function tutorialScaler(world: RhoaiWorld): Promise<FraudScaler> {
  if (world.facts.fraudScaler) return world.facts.fraudScaler;
  const project = world.facts.project;
  const namespace = world.namespace;
  await ensureModelTrained(world);
  const w = currentWorkbench(world);
  const scaler = await readFraudScaler(
    world,
    (command) => execInWorkbench(world, command, { timeoutMs: 120_000 }),
    cloneDirectory(world),
    `the workbench ${w.namespace}/${w.name}`,
  );
  // Reading the scaler does not move the scenario to the tutorial's project.
  if (project) world.facts.project = project;
  world.namespace = namespace;
  return scaler;
}
