// What the tutorials need from the platform, checked before they start: RHOAI installed with the
// dashboard and the workbenches component (default-dsc), so that projects are listed, the notebook
// images and sizes exist and Notebooks have their controllers. The tutorials do not install the
// platform themselves: on a real cluster run them after the installer, e.g. `--tags "@install or
// @tutorial"`, or where it is installed; on the embedded twin the harness runs the installer first
// when a run needs it (support/core/target/install-first.ts).
import { expect } from 'chai';
import { componentState, requireDashboard } from '../install/dashboard-config';
import type { RhoaiWorld } from '../core/world';
import { DEFAULT_DSC } from '../rhoai/names';

const HOW =
  'the tutorials run on an installed platform: run them after the installer (--tags "@install or @tutorial") or against a cluster where RHOAI is installed';

/** The dashboard is Managed and running (its configuration exists). */
export async function requireDashboardPlatform(world: RhoaiWorld): Promise<void> {
  try {
    await requireDashboard(world, DEFAULT_DSC);
  } catch (error) {
    throw new Error(`${(error as Error).message}; ${HOW}`, { cause: error });
  }
}

/** Workbenches are Managed: the Notebook CRD is served and the dashboard lists notebook images. */
export async function requireWorkbenchPlatform(world: RhoaiWorld): Promise<void> {
  await requireDashboardPlatform(world);
  const state = componentState(world, 'workbenches');
  expect(
    state,
    `default-dsc has the workbenches component ${state ?? 'unset'}, not Managed: there are no workbenches (RHOAI_PROFILE=infer-only leaves them out); ${HOW}`,
  ).to.equal('Managed');
  await world.cluster.waitFor(
    { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: 'notebooks.kubeflow.org' },
    (crd) => (crd?.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Established' && c.status === 'True'),
    { describe: 'the Notebook CRD (notebooks.kubeflow.org, installed with the workbenches component) to be established' },
  );
}
