// The model-serving images the twin's kubelet can run, registered once per twin: the kubelet's
// init containers (KServe's storage initializer), OpenVINO Model Server, the text-generation
// runtimes (TGIS, Caikit), ModelMesh's containers (mm, runtime adapter, rest-proxy, oauth-proxy) and
// Authorino's authorization service (twin/emulators/authorino.ts; the data plane of
// red-hat-data-services/odh-model-controller rhoai-2.9 controllers/resources/template/authconfig_*.yaml
// AuthConfigs). KServe's predictor pods are made by kserve.ts (red-hat-data-services/kserve rhoai-2.9
// pkg/controller/v1beta1/inferenceservice/components/predictor.go); the images here are what runs
// in them: storage-initializer (kserve rhoai-2.9 python/kserve/kserve/storage.py), OpenVINO Model
// Server (the KServe v2 REST protocol). They reach the cluster network like any pod, and trust what a
// pod of the cluster trusts: the system roots plus the ingress CA (odh-trusted-ca-bundle).
import { authorinoEmulator } from '../emulators/authorino';
import { InitContainerRunner } from '../emulators/init-containers';
import { modelMeshEmulator, restProxyEmulator, runtimeAdapterEmulator } from '../emulators/modelmesh';
import { oauthProxyEmulator } from '../emulators/oauth-proxy';
import { openvinoEmulator } from '../emulators/openvino';
import { servingPodsOf } from '../emulators/serving-pods';
import { storageInitializer } from '../emulators/storage-initializer';
import { caikitEmulator, tgisEmulator } from '../emulators/text-generation';
import { workloadRuntimeOf } from '../network/index';
import { containerExitsOf } from './jobs';
import type { Controller, ControllerContext } from './runtime';

export class ServingWorkloads implements Controller {
  readonly name = 'serving-workloads';

  constructor(private readonly ctx: ControllerContext) {}

  start(): void {
    const runtime = workloadRuntimeOf(this.ctx);
    const pods = servingPodsOf(this.ctx);
    const trustedCa = [this.ctx.settings.ingressCaPem];
    const init = new InitContainerRunner(this.ctx, runtime.pods.volumes);
    init.start();
    init.register(storageInitializer({ network: runtime.network, trustedCa, faults: this.ctx.faults }));
    this.ctx.podRuntimes.push(init);
    const mm = {
      pods,
      network: runtime.network,
      trustedCa,
      clientFor: (ns: string) => this.ctx.clientFor('oauth-proxy', `${ns}:modelmesh-serving-sa`),
      localAddress: (uid: string, port: number) => runtime.pods.address(uid, port),
      httpsAgent: (ns: string) => runtime.network.agents(ns, { ca: trustedCa }).https,
    };
    for (const emulator of [
      openvinoEmulator(pods, this.ctx.faults),
      tgisEmulator(pods),
      caikitEmulator(pods, { network: runtime.network, trustedCa, exits: containerExitsOf(this.ctx), faults: this.ctx.faults }),
      modelMeshEmulator(),
      runtimeAdapterEmulator(mm),
      restProxyEmulator(mm),
      oauthProxyEmulator(mm),
      authorinoEmulator((ns) => this.ctx.clientFor('authorino', `${ns}:authorino-authorino`), this.ctx.faults),
    ]) {
      runtime.emulators.register(emulator);
    }
  }
}
