// The fraud check against a served model over the wire: an inference client to the model's external
// endpoint (with or without the model's token), the model's v2 metadata, and the tutorial's
// transactions scaled with the training's scaler (tutorialScaler), judged by fraud-check.ts.
import { expectOk } from '../core/expect';
import { InferenceClient } from './inference';
import type { RhoaiWorld } from '../core/world';
import { externalEndpoint } from './endpoints';
import { assertVerdicts, checkFraudVerdicts, fraudModelMetadata, infer, TUTORIAL_TRANSACTIONS, type Verdict } from './fraud-check';
import type { DeployedModel } from './models';
import type { ModelToken } from './token-auth';
import { tutorialScaler } from './tutorial-scaler';

declare module '../core/world' {
  interface ScenarioFacts {
    /** The verdicts of the tutorial's transactions a step obtained, for a later Then. */
    verdicts?: { legitimate: Verdict; fraudulent: Verdict };
  }
}

/** The model's endpoint serves the fraud model's metadata over the v2 REST protocol; the report shows it. */
export async function assertServesFraudMetadata(world: RhoaiWorld, model: DeployedModel): Promise<void> {
  const endpoint = await externalEndpoint(world, model);
  const client = await InferenceClient.create(world);
  try {
    const meta = await fraudModelMetadata(client, endpoint, model.name);
    world.report.text(
      'model metadata',
      `${endpoint.base}/v2/models/${model.name}: inputs ${JSON.stringify(meta.inputs)}, outputs ${JSON.stringify(meta.outputs)}`,
    );
  } finally {
    client.destroy();
  }
}

/** The tutorial's fraudulent and legitimate transactions, sent without a token, land on the two sides of 0.95. */
export async function assertServedModelTellsFraudApart(world: RhoaiWorld, model: DeployedModel): Promise<void> {
  const scaler = await tutorialScaler(world);
  const endpoint = await externalEndpoint(world, model);
  const client = await InferenceClient.create(world);
  try {
    await checkFraudVerdicts(world, client, endpoint, model.name, scaler);
  } finally {
    client.destroy();
  }
}

/** Sends the tutorial's legitimate and fraudulent transactions with the token; the verdicts go into world.facts.verdicts for a later Then. */
export async function sendTutorialTransactions(world: RhoaiWorld, model: DeployedModel, t: ModelToken): Promise<void> {
  const scaler = await tutorialScaler(world);
  const endpoint = await externalEndpoint(world, model);
  const client = await InferenceClient.create(world, { token: t.token, tokenLabel: `the token of ${t.serviceAccount}` });
  try {
    const meta = await fraudModelMetadata(client, endpoint, model.name);
    world.facts.verdicts = {
      legitimate: await infer(client, endpoint, model.name, meta, scaler, TUTORIAL_TRANSACTIONS.legitimate),
      fraudulent: await infer(client, endpoint, model.name, meta, scaler, TUTORIAL_TRANSACTIONS.fraudulent),
    };
  } finally {
    client.destroy();
  }
}

/** The verdicts sendTutorialTransactions obtained land on the two sides of 0.95; the report shows them. */
export function assertSentTransactionsTellFraudApart(world: RhoaiWorld): void {
  const v = world.facts.verdicts;
  expectOk(v, 'no transactions were sent in this scenario');
  world.report.text(
    'fraud verdicts',
    `${v.legitimate.label}: ${v.legitimate.probability}\n${v.fraudulent.label}: ${v.fraudulent.probability}`,
  );
  assertVerdicts(v.legitimate, v.fraudulent);
}
