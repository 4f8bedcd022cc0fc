// Models brought to, and checked in, the state the dashboard shows as ready: the InferenceService
// Ready with its model Loaded (on the multi-model platform, after the model server's pods), and
// odh-model-controller's authorization settled for it — a token required or not (awaitAuthorization).
import { ensureModelStored } from '../tutorial/fraud-detection';
import type { RhoaiWorld } from '../core/world';
import { assertTokenEnforced, awaitAuthorization } from './access';
import { assertModelServerPods } from './model-servers';
import { assertKServeReady, deploySingleModel, waitForModelReady, type DeployedModel, type SingleModelRequest } from './models';
import { assertAuthRequired, createTokenObjects, readServiceAccountToken, tokenFor } from './token-auth';

/** The tutorial's model stored, deployed on the single-model platform, ready, and open to requests without a token. */
export async function deployReadyTutorialModel(world: RhoaiWorld, req: SingleModelRequest): Promise<void> {
  await ensureModelStored(world);
  const model = await deploySingleModel(world, req);
  await waitForModelReady(world, model.namespace, model.name);
  await awaitAuthorization(world, model, false);
}

/** The model (re)deployed with token authentication, the dashboard's token objects for `tokenName`, and their token read as the token "model". */
export async function requireTokenAuthentication(world: RhoaiWorld, req: SingleModelRequest, tokenName: string): Promise<DeployedModel> {
  const model = await deploySingleModel(world, { ...req, tokenAuth: true });
  const names = await createTokenObjects(world, model, tokenName);
  await readServiceAccountToken(world, model.namespace, names.secret, names.serviceAccount, 'model');
  return model;
}

/** The tutorial's model stored, deployed with token authentication and the token `tokenName` (read as the token "model"), ready and protected. */
export async function deployProtectedTutorialModel(world: RhoaiWorld, req: SingleModelRequest, tokenName: string): Promise<void> {
  await ensureModelStored(world);
  const model = await requireTokenAuthentication(world, req, tokenName);
  await waitForModelReady(world, model.namespace, model.name);
  await awaitAuthorization(world, model, true);
}

/** The model is ready as the dashboard shows it; on the single-model platform KServe's conditions say so and its authorization has settled. */
export async function assertModelReady(world: RhoaiWorld, model: DeployedModel): Promise<void> {
  // A multi-model server's model loads into the server's pods: they come first.
  if (model.platform === 'multi') await assertModelServerPods(world, model);
  const isvc = await waitForModelReady(world, model.namespace, model.name);
  if (model.platform === 'single') {
    assertKServeReady(isvc);
    await awaitAuthorization(world, model, isvc.metadata.annotations?.['security.opendatahub.io/enable-auth'] === 'true');
  }
}

/** The model asks for token authentication, is ready, and over the wire a token is required, a wrong one refused and its own token answered. */
export async function assertProtectedModelReady(world: RhoaiWorld, model: DeployedModel): Promise<void> {
  await assertAuthRequired(world, model);
  await waitForModelReady(world, model.namespace, model.name);
  await awaitAuthorization(world, model, true);
  await assertTokenEnforced(world, model, tokenFor(world, 'model'));
}
