// Before the first scenario of a run that installs operators: the catalog must carry the version
// each of them is pinned to (RHOAI_EXPECTED_VERSION, RHOAI_SERVICEMESH_VERSION, ...). Otherwise the
// run stops here, before any scenario has written anything — not at INS-OP-01 after the access
// scenarios (00-access) have already created users and secrets. cucumber.js names the operators the
// selected scenarios subscribe to in RHOAI_RUN_SUBSCRIBES (internal, like RHOAI_RUN_ID; parallel
// workers inherit it); the scenario INS-OP-01 still proves the same check in the report.
import { BeforeAll } from '@cucumber/cucumber';
import { ClusterClient } from '../core/cluster';
import { assertCatalogsOfferPins } from './olm';
import { session } from '../core/session';

export const RUN_SUBSCRIBES_VARIABLE = 'RHOAI_RUN_SUBSCRIBES';

BeforeAll(async function () {
  const packages = (process.env[RUN_SUBSCRIBES_VARIABLE] ?? '').split(',').filter(Boolean);
  if (!packages.length) return;
  const settings = session.settings();
  const pins = await assertCatalogsOfferPins(new ClusterClient(() => session.connection()), settings, packages);
  session.log(`rhoai-harness: the catalog carries what this run pins: ${pins.map((p) => `${p.csv} (channel ${p.channel})`).join(', ')}`);
});
