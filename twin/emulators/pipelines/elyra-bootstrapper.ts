// The task of an Elyra node in a pipeline run: Elyra's bootstrapper in the runtime image
// (opendatahub-io/elyra 3.16.5 elyra/kfp/bootstrapper.py, fetched by the task's command from
// ELYRA_BOOTSTRAP_SCRIPT_URL or elyra-ai's GitHub; the twin does not fetch it). It reads its
// arguments (--cos-endpoint, --cos-bucket, --cos-directory, --cos-dependencies-archive, --file,
// --inputs, --outputs, ';'-separated), reaches object storage with the task's AWS_ACCESS_KEY_ID and
// AWS_SECRET_ACCESS_KEY (from the runtime configuration's cos_secret, kfp-kubernetes secretAsEnv),
// downloads and unpacks the node's archive (process_dependencies: the archive, then each input an
// upstream node declared as output), runs the notebook (papermill), uploads the executed notebook
// under the file's own name and its HTML (NotebookFileOp.execute), then every declared output
// (process_outputs; a missing one fails the task).
//
// What runs in the notebook: the twin runs no Python. The fraud-detection tutorial's notebooks are
// played by what they do: 1_experiment_train.ipynb trains on data/card_transdata.csv next to it
// (twin/emulators/ml) and writes models/fraud/1/model.onnx; 2_save_model.ipynb uploads the files
// under models/ to the bucket of its AWS_S3_* environment (the node's Kubernetes secrets). Any other
// notebook runs and changes nothing.
import { GetObjectCommand, PutObjectCommand, type S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import * as path from 'node:path';
import { untarGz } from '../workbench/tar';

export interface BootstrapperDeps {
  s3(config: { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string }): S3Client;
  /** The tutorial's training on a CSV: the ONNX model. */
  train(csv: string): Buffer;
  /** The tutorial's upload of a model (env AWS_S3_*, key S3_KEY). */
  uploadModel(env: Record<string, string>, model: Buffer): Promise<void>;
  faults: { has(name: string): boolean };
}

/** The bootstrapper does not upload the executed notebook and its HTML (the declared outputs still go up). */
export const BOOTSTRAPPER_OUTPUTS_FAULT = 'elyra-bootstrapper-keeps-executed-notebook';

function flag(script: string, name: string): string | undefined {
  return new RegExp(`--${name} '([^']*)'`).exec(script)?.[1];
}

function s3Error(e: unknown): string {
  if (e instanceof S3ServiceException) return `minio.error.S3Error: S3 operation failed; code: ${e.name}, message: ${e.message}`;
  return (e as Error).message;
}

export async function runElyraBootstrapper(script: string, env: Record<string, string>, deps: BootstrapperDeps): Promise<void> {
  const endpoint = flag(script, 'cos-endpoint');
  const bucket = flag(script, 'cos-bucket');
  const dir = flag(script, 'cos-directory') ?? '';
  const archive = flag(script, 'cos-dependencies-archive');
  const file = flag(script, 'file');
  if (!endpoint || !bucket || !archive || !file)
    throw new Error('bootstrapper.py: error: the following arguments are required: -e/--cos-endpoint, -b/--cos-bucket, -f/--file');
  if (!env.AWS_ACCESS_KEY_ID || !env.AWS_SECRET_ACCESS_KEY)
    throw new Error("KeyError: 'AWS_ACCESS_KEY_ID' (the task has no object storage credentials in its environment)");
  const s3 = deps.s3({
    endpoint,
    region: env.AWS_DEFAULT_REGION || 'us-east-1',
    accessKeyId: env.AWS_ACCESS_KEY_ID,
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
  });
  const key = (name: string) => (dir ? `${dir}/${name}` : name);
  const get = async (name: string): Promise<Buffer> => {
    try {
      const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key(name) }));
      return Buffer.from(await out.Body!.transformToByteArray());
    } catch (e) {
      throw new Error(`bootstrapper.py: failed to download ${name} from s3://${bucket}/${key(name)}: ${s3Error(e)}`, { cause: e });
    }
  };
  const put = async (name: string, body: Buffer) => {
    try {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key(name), Body: body }));
    } catch (e) {
      throw new Error(`bootstrapper.py: failed to upload ${name} to s3://${bucket}/${key(name)}: ${s3Error(e)}`, { cause: e });
    }
  };
  try {
    // process_dependencies: the archive unpacked in the working directory, then the inputs.
    const files = await untarGz(await get(archive));
    for (const input of (flag(script, 'inputs') ?? '').split(';').filter(Boolean)) files.set(input, await get(input));
    const notebook = path.posix.basename(file);
    const source = files.get(notebook);
    if (!source) throw new Error(`FileNotFoundError: [Errno 2] No such file or directory: '${notebook}'`);
    // The notebook, as papermill runs it.
    if (notebook === '1_experiment_train.ipynb') {
      const csv = files.get('data/card_transdata.csv');
      if (!csv)
        throw new Error(
          "papermill.exceptions.PapermillExecutionError: An error occurred while executing cell 4: FileNotFoundError: [Errno 2] No such file or directory: 'data/card_transdata.csv'",
        );
      files.set('models/fraud/1/model.onnx', deps.train(csv.toString('utf8')));
    } else if (notebook === '2_save_model.ipynb') {
      const models = [...files.keys()].filter((p) => p.startsWith('models/'));
      if (!models.length)
        throw new Error(
          "papermill.exceptions.PapermillExecutionError: An error occurred while executing cell 3: FileNotFoundError: [Errno 2] No such file or directory: 'models'",
        );
      for (const m of models) await deps.uploadModel({ ...env, S3_KEY: m }, files.get(m)!);
    }
    if (!deps.faults.has(BOOTSTRAPPER_OUTPUTS_FAULT)) {
      await put(file, source);
      await put(`${notebook.replace(/\.ipynb$/, '')}.html`, Buffer.from(`<!DOCTYPE html><html><body><h1>${notebook}</h1></body></html>\n`));
    }
    for (const output of (flag(script, 'outputs') ?? '').split(';').filter(Boolean)) {
      const body = files.get(output);
      if (!body) throw new Error(`FileNotFoundError: [Errno 2] No such file or directory: '${output}' (declared as an output of ${file})`);
      await put(output, body);
    }
  } finally {
    s3.destroy();
  }
}
