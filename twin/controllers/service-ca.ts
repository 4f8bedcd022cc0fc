// The serving-certificate part of OpenShift's service-ca operator: a Service annotated
// service.beta.openshift.io/serving-cert-secret-name (or the older service.alpha.openshift.io/...)
// gets a kubernetes.io/tls Secret of that name in its namespace, with a certificate for
// <service>.<namespace>.svc and <service>.<namespace>.svc.cluster.local signed by the cluster's
// service serving signer, and the Service is annotated with who signed it. Pods mount the Secret
// (the notebook controller's oauth-proxy serves its TLS port with it); the router's reencrypt routes
// trust the signer. A Secret that already exists for the same Service is kept; one made for another
// Service is reported on the Service (service.beta.openshift.io/serving-cert-generation-error), as
// the operator does. The signer is the twin's own, generated when the twin starts: the
// openshift-service-ca.crt ConfigMaps of the namespaces are not rewritten with it.
// Upstream followed: github.com/openshift/service-ca-operator pkg/controller/servingcert (the
// serving-cert Secret per annotated Service) and pkg/controller/cabundleinjector (inject-cabundle).
import type { TwinClient } from '../api/client';
import { timestamp } from '../api/meta';
import { createCa, createServingCert } from '../api/tls';
import type { KObject } from '../api/types';
import { keyOf, splitKey, WorkQueue, type Controller, type ControllerContext } from './runtime';

const SECRET_ANNOTATIONS = ['service.beta.openshift.io/serving-cert-secret-name', 'service.alpha.openshift.io/serving-cert-secret-name'];
const ORIGINATING_NAME = 'service.beta.openshift.io/originating-service-name';
const ORIGINATING_UID = 'service.beta.openshift.io/originating-service-uid';
const SIGNED_BY = 'service.beta.openshift.io/serving-cert-signed-by';
const GENERATION_ERROR = 'service.beta.openshift.io/serving-cert-generation-error';

export class ServiceCa implements Controller {
  readonly name = 'service-ca';
  private readonly client: TwinClient;
  private readonly queue: WorkQueue;
  private signer?: ReturnType<typeof createCa>;
  private readonly signerName = `openshift-service-serving-signer@${Math.floor(Date.now() / 1000)}`;

  constructor(private readonly ctx: ControllerContext) {
    this.client = ctx.clientFor('service-ca-controller', 'openshift-service-ca:service-ca');
    this.queue = new WorkQueue('service-ca', 0, (key) => this.reconcile(key), ctx.settings.log);
  }

  start(): void {
    this.client.watch('v1', 'Service', (type, svc) => type !== 'DELETED' && secretNameOf(svc) && this.queue.enqueue(keyOf(svc)));
    this.client.watch('v1', 'Secret', (type, secret) => {
      const owner = secret.metadata.annotations?.[ORIGINATING_NAME];
      if (type === 'DELETED' && owner) this.queue.enqueue(`${secret.metadata.namespace}/${owner}`);
    });
  }

  private reconcile(key: string): void {
    const { namespace, name } = splitKey(key);
    const svc = this.client.get('v1', 'Service', name, namespace);
    const secretName = svc && !svc.metadata.deletionTimestamp ? secretNameOf(svc) : undefined;
    if (!svc || !secretName) return;
    const existing = this.client.get('v1', 'Secret', secretName, namespace);
    if (existing) {
      const owner = existing.metadata.annotations?.[ORIGINATING_UID];
      if (owner !== svc.metadata.uid && svc.metadata.annotations?.[GENERATION_ERROR] === undefined) {
        this.client.patch('v1', 'Service', name, namespace, {
          metadata: {
            annotations: { [GENERATION_ERROR]: `secret ${secretName} does not have corresponding service UID ${svc.metadata.uid}` },
          },
        });
      }
      return;
    }
    this.signer ??= createCa(this.signerName, 'service-ca');
    const dns = [`${name}.${namespace}.svc`, `${name}.${namespace}.svc.cluster.local`];
    const cert = createServingCert(this.signer, dns[0], dns, [], 'service-ca');
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    this.client.create({
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/tls',
      metadata: {
        name: secretName,
        namespace,
        annotations: {
          [ORIGINATING_NAME]: name,
          [ORIGINATING_UID]: svc.metadata.uid!,
          'service.beta.openshift.io/expiry': new Date(Date.now() + 730 * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z'),
        },
        ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name, uid: svc.metadata.uid! }],
      },
      data: { 'tls.crt': b64(`${cert.certPem}${this.signer.certPem}`), 'tls.key': b64(cert.keyPem) },
    });
    this.client.patch('v1', 'Service', name, namespace, {
      metadata: { annotations: { [SIGNED_BY]: this.signerName, [GENERATION_ERROR]: null } },
    });
    this.client
      .as('service-ca-controller')
      .event(svc, 'Normal', 'ServingCertificateCreated', `created serving certificate secret ${secretName} at ${timestamp()}`);
  }
}

function secretNameOf(svc: KObject): string | undefined {
  for (const a of SECRET_ANNOTATIONS) if (svc.metadata.annotations?.[a]) return svc.metadata.annotations[a];
  return undefined;
}
