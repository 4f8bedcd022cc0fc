// What the KServe and ModelMesh controllers share: the serving.kserve.io kinds, how an
// InferenceService's predictor finds its ServingRuntime, and the model status they report.
// Upstream (red-hat-data-services, branch rhoai-2.9):
//   kserve pkg/apis/serving/v1beta1/predictor_model.go (ModelSpec.RuntimeSupportsModel l.130,
//     GetSupportingRuntimes: autoSelect, multiModel, disabled), pkg/apis/serving/v1beta1/
//     inference_service_status.go (UpdateModelRevisionStates l.450, SetModelFailureInfo);
//   modelmesh-serving controllers/servingruntime_controller.go (runtimeSupportsPredictor l.552),
//     controllers/predictor_controller.go (l.405-415: RuntimeNotRecognized "Specified runtime name
//     not recognized", NoSupportingRuntime "No ServingRuntime supports specified model type and/or
//     protocol");
//   the format names the runtimes list are the templates' (odh-dashboard rhoai-2.9
//     manifests/modelserving/{ovms-ootb, ovms-kserve-ootd, caikit-ootb, tgis-ootb}.yaml: caikit,
//     pytorch, openvino_ir, onnx, tensorflow, paddle).
import type { TwinClient } from '../api/client';
import type { KObject } from '../api/types';

/** Any JSON object (a status, a container, ...). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

export const ISVC_API = 'serving.kserve.io/v1beta1';
export const RUNTIME_API = 'serving.kserve.io/v1alpha1';
export const DEPLOYMENT_MODE = 'serving.kserve.io/deploymentMode';

/** modelStatus.lastFailureInfo.reason values (the CRD's enum). */
export type FailureReason =
  'ModelLoadFailed' | 'RuntimeUnhealthy' | 'RuntimeDisabled' | 'NoSupportingRuntime' | 'RuntimeNotRecognized' | 'InvalidPredictorSpec';

export interface RuntimeChoice {
  runtime?: KObject;
  /** Why no runtime serves the predictor, in KServe's words. */
  failure?: { reason: FailureReason; message: string; error: string };
}

export interface RuntimeFilter {
  /** true: ModelMesh (multi-model runtimes only); false: KServe (single-model runtimes only). */
  multiModel: boolean;
  /** Formats a runtime is treated as not listing (fault injection). */
  hiddenFormats?: string[];
}

/** The formats a runtime declares, less the hidden ones. */
export function supportedFormats(runtime: KObject, filter: RuntimeFilter): { name: string; version?: string; autoSelect?: boolean }[] {
  return ((runtime.spec?.supportedModelFormats ?? []) as { name: string; version?: string; autoSelect?: boolean }[]).filter(
    (f) => !filter.hiddenFormats?.includes(String(f.name).toLowerCase()),
  );
}

/**
 * RuntimeSupportsModel: the format's name (case-insensitive), and its version when both the model and
 * the runtime's entry name one (a runtime entry without a version, as the caikit and TGIS templates
 * have, takes any version).
 */
export function runtimeSupports(runtime: KObject, format: { name?: string; version?: string } | undefined, filter: RuntimeFilter): boolean {
  if (!format?.name) return false;
  return supportedFormats(runtime, filter).some(
    (f) =>
      f.name.toLowerCase() === format.name!.toLowerCase() &&
      (format.version === undefined || f.version === undefined || f.version.toLowerCase() === format.version.toLowerCase()),
  );
}

/** The ServingRuntime (or ClusterServingRuntime) the predictor uses: the one it names, else one that auto-selects its format. */
export function chooseRuntime(client: TwinClient, isvc: KObject, filter: RuntimeFilter): RuntimeChoice {
  const ns = isvc.metadata.namespace!;
  const model = isvc.spec?.predictor?.model;
  const format = model?.modelFormat;
  const named: string | undefined = model?.runtime;
  const multi = (r: KObject) => r.spec?.multiModel === true;
  if (named) {
    const runtime = client.get(RUNTIME_API, 'ServingRuntime', named, ns) ?? client.get(RUNTIME_API, 'ClusterServingRuntime', named);
    if (!runtime)
      return {
        failure: {
          reason: 'RuntimeNotRecognized',
          message: 'Waiting for runtime to become available',
          error: `specified runtime ${named} not found`,
        },
      };
    if (runtime.spec?.disabled)
      return {
        failure: { reason: 'RuntimeDisabled', message: 'Specified runtime is disabled', error: `specified runtime ${named} is disabled` },
      };
    if (multi(runtime) !== filter.multiModel) {
      return {
        failure: {
          reason: 'NoSupportingRuntime',
          message: `Specified runtime does not support the ${filter.multiModel ? 'ModelMesh' : 'Serverless'} deployment mode`,
          error: `specified runtime ${named} is a ${multi(runtime) ? 'multi' : 'single'}-model runtime`,
        },
      };
    }
    if (model.protocolVersion && !((runtime.spec?.protocolVersions ?? ['v1']) as string[]).includes(model.protocolVersion)) {
      return {
        failure: {
          reason: 'NoSupportingRuntime',
          message: 'Specified runtime does not support specified protocol version',
          error: `specified runtime ${named} does not support specified protocol version`,
        },
      };
    }
    if (!runtimeSupports(runtime, format, filter)) {
      return {
        failure: {
          reason: 'NoSupportingRuntime',
          message: 'Specified runtime does not support specified framework/version',
          error: `specified runtime ${named} does not support specified framework/version`,
        },
      };
    }
    return { runtime };
  }
  const candidates = [...client.list(RUNTIME_API, 'ServingRuntime', ns), ...client.list(RUNTIME_API, 'ClusterServingRuntime')].filter(
    (r) =>
      !r.spec?.disabled &&
      multi(r) === filter.multiModel &&
      supportedFormats(r, filter).some((f) => f.autoSelect && f.name.toLowerCase() === String(format?.name ?? '').toLowerCase()) &&
      runtimeSupports(r, format, filter),
  );
  if (!candidates.length)
    return {
      failure: {
        reason: 'NoSupportingRuntime',
        message: 'No runtime found to support specified framework/version',
        error: `no runtime found to support predictor with model type: ${JSON.stringify(format ?? {})}`,
      },
    };
  return { runtime: candidates[0] };
}

export interface ModelStatusInput {
  state: 'Pending' | 'Loading' | 'Loaded' | 'FailedToLoad';
  transition: 'UpToDate' | 'InProgress' | 'BlockedByFailedLoad' | 'InvalidSpec';
  copies?: number;
  failure?: { reason: FailureReason; message: string; exitCode?: number; modelRevisionName?: string };
  /** The time of a failure already reported (kept so an unchanged status stays unchanged). */
  failureTime?: string;
}

/** status.modelStatus as KServe writes it (UpdateModelRevisionStates, SetModelFailureInfo). */
export function modelStatus(i: ModelStatusInput, now: string): Json {
  return {
    transitionStatus: i.transition,
    states: { activeModelState: i.state === 'Loaded' || i.state === 'FailedToLoad' ? i.state : '', targetModelState: i.state },
    ...(i.copies !== undefined ? { copies: { failedCopies: i.state === 'FailedToLoad' ? i.copies : 0, totalCopies: i.copies } } : {}),
    ...(i.failure ? { lastFailureInfo: { ...i.failure, time: i.failureTime ?? now } } : {}),
  };
}
