// The applications and documents the RHOAI 2.9 dashboard component ships (OdhApplication and
// OdhDocument of dashboard.opendatahub.io/v1): rhods-operator rhoai-2.9 components/dashboard/dashboard.go
// deploys odh-dashboard manifests/overlays/apps/apps-onprem on a self-managed cluster (the
// objects are in dashboard-apps.yaml, each citing its manifest). The twin's dashboard controller
// applies them into the applications namespace, as the operator's manifests are.
import { join } from 'node:path';
import { loadYamlObjects } from '../bootstrap';
import type { KObject } from '../api/types';

let shipped: KObject[] | undefined;

export function shippedApplications(ns: string): KObject[] {
  shipped ??= loadYamlObjects(join(__dirname, 'dashboard-apps.yaml'));
  return shipped.map((o) => ({ ...structuredClone(o), metadata: { ...structuredClone(o.metadata), namespace: ns } }));
}

export const APPLICATION_KINDS = ['OdhApplication', 'OdhDocument'] as const;
