// Runs the fake API server as a process (for tests that drive cucumber-js against a "cluster"):
// `node --import tsx serve-fake-kube-api.ts DIR` writes DIR/kubeconfig and prints one line
// `fake-kube-api ready kubeconfig=FILE` on stdout; SIGTERM stops it.
import { FakeKubeApi } from './fake-kube-api';

async function main(): Promise<void> {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: serve-fake-kube-api.ts DIR');
  const api = await FakeKubeApi.start();
  const kubeconfig = api.writeKubeconfig(dir);
  process.stdout.write(`fake-kube-api ready kubeconfig=${kubeconfig}\n`);
  process.on('SIGTERM', () => void api.close().then(() => process.exit(0)));
}

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
