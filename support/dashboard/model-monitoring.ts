// CMP-09, model monitoring (TrustyAI) as RHOAI 2.9 has it: TrustyAI is removed (rhods-operator
// rhoai-2.9 components/trustyai/trustyai.go "Installation of TrustyAI operator is deprecated in
// RHOAI", pkg/upgrade RemoveDeprecatedTrustyAI sets the DataScienceCluster's trustyai Removed), so
// the DataScienceCluster's status.installedComponents has no trustyai, and the 2.9 dashboard, which
// reads that status (GET /api/dsc/status, frontend/src/concepts/areas/const.ts: BIAS_METRICS
// requires StackComponent.TRUSTY_AI), offers no model bias monitoring: a project's details have no
// "Settings" tab (pages/projects/screens/detail/ProjectDetails.tsx, projectSettings/ModelBiasSettingsCard.tsx).
import { expect } from './playwright';
import { expect as check } from 'chai';
import type { RhoaiWorld } from '../core/world';
import { ProjectDetailsPage } from './applications-pages';
import { attachScreenshot } from './browser';
import { dashboardOrigin } from './login';
import { chrome, fetchInPage } from './people';

const DSC_API = 'datasciencecluster.opendatahub.io/v1';

/** The DataScienceCluster: trustyai Removed and not among the installed components. */
export async function assertTrustyAIRemoved(world: RhoaiWorld): Promise<void> {
  const dscs = await world.cluster.list({ apiVersion: DSC_API, kind: 'DataScienceCluster' });
  check(dscs.length, 'DataScienceClusters on the cluster').to.equal(1);
  const dsc = dscs[0]!;
  check(
    dsc.spec?.components?.trustyai?.managementState ?? 'Removed',
    `DataScienceCluster ${dsc.metadata.name} spec.components.trustyai.managementState (2.9 removes TrustyAI)`,
  ).to.equal('Removed');
  check(
    dsc.status?.installedComponents?.trustyai === true,
    `DataScienceCluster ${dsc.metadata.name} status.installedComponents.trustyai is ${dsc.status?.installedComponents?.trustyai}`,
  ).to.equal(false);
}

/** The dashboard backend's view of the cluster (GET /api/dsc/status, what the frontend's areas read). */
export async function assertDashboardSeesNoTrustyAI(world: RhoaiWorld): Promise<void> {
  const c = chrome(world);
  const answer = await fetchInPage(c, `${await dashboardOrigin(world)}/api/dsc/status`);
  check(answer.status, `GET /api/dsc/status answered ${answer.status}: ${answer.body.slice(0, 200)}`).to.equal(200);
  const installed = (JSON.parse(answer.body) as { installedComponents?: Record<string, boolean> }).installedComponents ?? {};
  check(installed.trustyai === true, `the dashboard backend's installedComponents.trustyai is ${installed.trustyai}`).to.equal(false);
}

export async function openProject(world: RhoaiWorld): Promise<void> {
  const project = world.facts.project;
  if (!project) throw new Error('no data science project in this scenario: a project step must come first');
  await new ProjectDetailsPage(chrome(world).page).visit(await dashboardOrigin(world), project.name);
  await attachScreenshot(world, `project ${project.name}`);
}

/** The project's tabs are there, but no Settings (model bias monitoring). */
export async function assertNoModelBiasSettings(world: RhoaiWorld, tabs: string[]): Promise<void> {
  const page = new ProjectDetailsPage(chrome(world).page);
  for (const tab of tabs) await expect(page.tab(tab), `the project page has no "${tab}" tab`).toBeVisible();
  const settings = await page.tab('Settings').count();
  if (settings)
    throw new Error(
      `the project page offers the Settings tab (model bias monitoring) although the DataScienceCluster has no TrustyAI installed: the dashboard does not gate model bias monitoring on the TrustyAI component, as 2.9 does`,
    );
}
