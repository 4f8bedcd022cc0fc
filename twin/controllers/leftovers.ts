// What an earlier uninstall left behind: projects still Terminating because objects in them carry
// a finalizer whose controller was uninstalled first. The namespace controller (twin/api/lifecycle.ts)
// then reports NamespaceContentRemaining and NamespaceFinalizersRemaining, as Kubernetes does.
// Upstream followed: the OpenShift Service Mesh 2.x operator (github.com/maistra/istio-operator,
// maistra-2.5, pkg/controller/common: FinalizerName "maistra.io/istio-operator") puts that finalizer
// on every ServiceMeshMemberRoll and ServiceMeshMember it reconciles and removes it only while it
// runs; the RHOAI 2.9 uninstall docs and the Service Mesh removal docs delete the SMMR before the
// operator because of it. The CRDs stay after an operator uninstall (OLM never deletes CRDs).
import { join } from 'node:path';
import { loadYamlObjects } from '../bootstrap';
import type { FaultDefinition } from '../fault-definition';
import type { Controller, ControllerContext } from './runtime';

const MESH_FINALIZER = 'maistra.io/istio-operator';

interface Leftover {
  fault: string;
  namespace: string;
  /** The object that holds the namespace: a mesh object whose operator is gone. */
  kind: 'ServiceMeshMemberRoll' | 'ServiceMeshMember';
  name: string;
}

const LEFTOVERS: Leftover[] = [
  { fault: 'mesh-leftover-member-roll', namespace: 'istio-system', kind: 'ServiceMeshMemberRoll', name: 'default' },
  { fault: 'mesh-leftover-member', namespace: 'redhat-ods-applications-auth-provider', kind: 'ServiceMeshMember', name: 'default' },
];

export const LEFTOVER_FAULTS: FaultDefinition[] = [
  {
    name: 'mesh-leftover-member-roll',
    description:
      'An earlier Service Mesh uninstall removed the operator before its ServiceMeshMemberRoll: istio-system is still Terminating, held by the maistra.io/istio-operator finalizer of the roll that no controller will remove',
    caughtBy: '@req.INS-SM-01',
    expectMessage: `finalizers remaining: ${MESH_FINALIZER}`,
  },
  {
    name: 'mesh-leftover-member',
    description:
      "An earlier uninstall removed the Service Mesh operator before the ServiceMeshMember of the Authorino project: redhat-ods-applications-auth-provider is still Terminating, held by the member's maistra.io/istio-operator finalizer",
    caughtBy: '@req.INS-AUTH-02',
    expectMessage: `finalizers remaining: ${MESH_FINALIZER}`,
  },
];

export class EarlierUninstalls implements Controller {
  readonly name = 'earlier-uninstalls';

  constructor(private readonly ctx: ControllerContext) {}

  start(): void {
    for (const leftover of LEFTOVERS) if (this.ctx.faults.has(leftover.fault)) this.leave(leftover);
  }

  /** The project as the uninstall left it: its mesh object with the finalizer, the project being deleted. */
  private leave({ namespace, kind, name }: Leftover): void {
    const admin = this.ctx.clientFor('kubectl-delete');
    if (admin.get('v1', 'Namespace', namespace)) return; // a restored cluster that has it already
    for (const crd of loadYamlObjects(join(this.ctx.settings.crdDir, 'service-mesh.yaml')))
      if (!admin.get(crd.apiVersion, crd.kind, crd.metadata.name!)) admin.create(crd);
    admin.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    admin.create({
      apiVersion: 'maistra.io/v1',
      kind,
      metadata: { name, namespace, finalizers: [MESH_FINALIZER] },
      spec: kind === 'ServiceMeshMemberRoll' ? { members: [] } : { controlPlaneRef: { name: 'minimal', namespace: 'istio-system' } },
    });
    admin.delete('v1', 'Namespace', namespace);
  }
}
