// The faults of the Elyra pipeline's path through the pipeline server (TUT-EL-02, 04..06): the API
// server's handling of an uploaded version and of a run's version, the scheduled-workflow
// controller's runs, and the bootstrapper in the runtime image. Switched on in backend.ts and
// elyra-bootstrapper.ts; the workbench's own (Elyra in the image, the notebook webhook) are
// ELYRA_FAULTS of ../workbench/elyra.ts.
import type { FaultDefinition } from '../../fault-definition';
import { PLATFORM_SPEC_FAULT, RUN_VERSION_FAULT, SCHEDULED_PLATFORM_FAULT } from './backend';
import { BOOTSTRAPPER_OUTPUTS_FAULT } from './elyra-bootstrapper';

export const ELYRA_RUN_FAULTS: FaultDefinition[] = [
  {
    name: BOOTSTRAPPER_OUTPUTS_FAULT,
    description:
      "Elyra's bootstrapper in the runtime image runs each node's notebook but does not upload the executed notebook and its HTML to the run's object storage working directory",
    caughtBy: '@req.TUT-EL-04',
    expectMessage: 'are not in the object storage working directory',
  },
  {
    name: PLATFORM_SPEC_FAULT,
    description:
      'The API server keeps only the PipelineSpec document of an uploaded pipeline: its platform spec (kfp-kubernetes secrets as env, pod metadata) is lost, so an Elyra node gets none of its Kubernetes secrets',
    caughtBy: '@req.TUT-EL-02',
    expectMessage: 'does not pass the Secret',
  },
  {
    name: RUN_VERSION_FAULT,
    description: "The API server runs a pipeline's first version whatever pipeline_version_id a run request names",
    caughtBy: '@req.TUT-EL-05',
    expectMessage: 'not the version',
  },
  {
    name: SCHEDULED_PLATFORM_FAULT,
    description:
      "The scheduled-workflow controller starts a recurring run's runs from the PipelineSpec alone, without the version's platform spec: an Elyra pipeline's scheduled runs get no object storage credentials and fail",
    caughtBy: '@req.TUT-EL-06',
    expectMessage: 'that the schedule "elyra-every-minute" started ended FAILED',
  },
];
