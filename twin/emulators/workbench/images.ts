// The workbench images of RHOAI 2.9 (red-hat-data-services/notebooks rhoai-2.9, the ImageStreams the
// dashboard component ships: twin/controllers/dashboard.ts) and what the twin knows of each: the
// server it runs (JupyterLab, or code-server behind nginx), its Python, and the Python packages a
// notebook can import or `pip install` without a package index (the twin has no internet).
//
// A workbench pod names its image as the dashboard writes it,
// image-registry.openshift-image-registry.svc:5000/<ns>/<imagestream>:<tag>, or by the quay.io
// repository the ImageStream imports from (quay.io/modh/cuda-notebooks@sha256:... serves both the
// CUDA and the TensorFlow streams; the twin's digests tell them apart).
import { createHash } from 'node:crypto';
import { imageBaseName } from '../types';

export type ServerKind = 'jupyter' | 'code-server';

export interface WorkbenchImage {
  /** The ImageStream's name (the dashboard's `dropdown-item <name>`). */
  imageStream: string;
  /** The name the dashboard shows (annotation opendatahub.io/notebook-image-name). */
  displayName: string;
  /** The quay.io/modh repository base name the stream imports from. */
  repository: string;
  server: ServerKind;
  python: string;
  /** Importable top-level modules, with the version `pip` reports (2024.1 tags). */
  packages: Record<string, string>;
}

const JUPYTER = {
  jupyterlab: '3.6.7',
  notebook: '6.5.6',
  jupyter_server: '2.13.0',
  nbconvert: '7.16.3',
  nbclient: '0.10.0',
  ipykernel: '6.29.4',
};
const DATA_SCIENCE = {
  ...JUPYTER,
  boto3: '1.34.84',
  botocore: '1.34.84',
  kafka: '2.0.2',
  kfp: '2.5.0',
  matplotlib: '3.8.4',
  numpy: '1.26.4',
  pandas: '2.2.2',
  sklearn: '1.4.2',
  scipy: '1.12.0',
  elyra: '3.16.5',
  pymongo: '4.6.3',
  pyodbc: '5.1.0',
  codeflare_sdk: '0.16.0',
};
/**
 * The TensorFlow image, plus what the fraud-detection tutorial's first cell installs (onnx,
 * onnxruntime, seaborn, tf2onnx): the twin has no package index, so it carries them.
 */
const TENSORFLOW = {
  ...DATA_SCIENCE,
  tensorflow: '2.15.1',
  keras: '2.15.0',
  tensorboard: '2.15.2',
  tf2onnx: '1.16.1',
  onnx: '1.16.0',
  onnxruntime: '1.17.3',
  seaborn: '0.13.2',
  skl2onnx: '1.16.0',
};

export const WORKBENCH_IMAGES: WorkbenchImage[] = [
  {
    imageStream: 's2i-minimal-notebook',
    displayName: 'Minimal Python',
    repository: 'odh-minimal-notebook-container',
    server: 'jupyter',
    python: '3.9.18',
    packages: JUPYTER,
  },
  {
    imageStream: 's2i-generic-data-science-notebook',
    displayName: 'Standard Data Science',
    repository: 'odh-generic-data-science-notebook',
    server: 'jupyter',
    python: '3.9.18',
    packages: DATA_SCIENCE,
  },
  { imageStream: 'minimal-gpu', displayName: 'CUDA', repository: 'cuda-notebooks', server: 'jupyter', python: '3.9.18', packages: JUPYTER },
  {
    imageStream: 'pytorch',
    displayName: 'PyTorch',
    repository: 'odh-pytorch-notebook',
    server: 'jupyter',
    python: '3.9.18',
    packages: { ...DATA_SCIENCE, torch: '2.2.2', tensorboard: '2.16.2', onnx: '1.16.0' },
  },
  {
    imageStream: 'tensorflow',
    displayName: 'TensorFlow',
    repository: 'cuda-notebooks',
    server: 'jupyter',
    python: '3.9.18',
    packages: TENSORFLOW,
  },
  {
    imageStream: 'odh-trustyai-notebook',
    displayName: 'TrustyAI',
    repository: 'odh-trustyai-notebook',
    server: 'jupyter',
    python: '3.9.18',
    packages: { ...DATA_SCIENCE, trustyai: '0.5.0' },
  },
  {
    imageStream: 'habana-notebook',
    displayName: 'HabanaAI',
    repository: 'odh-habana-notebooks',
    server: 'jupyter',
    python: '3.8.18',
    packages: { ...JUPYTER, habana_frameworks: '1.13.0' },
  },
  {
    imageStream: 'code-server-notebook',
    displayName: 'code-server',
    repository: 'codeserver',
    server: 'code-server',
    python: '3.9.18',
    packages: {
      boto3: '1.34.84',
      botocore: '1.34.84',
      kafka: '2.0.2',
      matplotlib: '3.8.4',
      numpy: '1.26.4',
      pandas: '2.2.2',
      scipy: '1.12.0',
    },
  },
];

/** The twin's pretend digest of an image stream tag (as twin/controllers/dashboard.ts computes it). */
function streamDigest(imageStream: string, tag: string): string {
  return createHash('sha256').update(`${imageStream}:${tag}`).digest('hex');
}

/** The workbench image a container image reference names, if it is one. */
export function workbenchImageOf(image: string): WorkbenchImage | undefined {
  const base = imageBaseName(image);
  const byStream = WORKBENCH_IMAGES.find((w) => w.imageStream === base);
  if (byStream) return byStream;
  const candidates = WORKBENCH_IMAGES.filter((w) => w.repository === base);
  if (candidates.length <= 1) return candidates[0];
  // One quay repository behind several streams: the digest says which tag of which stream it is.
  const digest = /@sha256:([a-f0-9]{64})$/.exec(image)?.[1];
  return candidates.find((w) => ['2024.1', '2023.2'].some((tag) => streamDigest(w.imageStream, tag) === digest)) ?? candidates[0];
}
