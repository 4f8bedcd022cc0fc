// The notebooks of the twin's replica of the fraud-detection tutorial repository
// (rh-aiservices-bu/fraud-detection, branch v2.9), written for the twin: the same steps, in the same
// order, with the same paths, environment variables and tensor names as the tutorial's notebooks, in
// this project's own words. Where the twin does differently it says so in the notebook itself:
//   - the scaler is saved as JSON (artifact/scaler.json), not pickled, so that tests and the
//     serving steps can read it without Python;
//   - training runs more epochs over the replica's smaller data file (20 000 rows, not 1 000 000).
// The twin's kernel (kernel.ts) recognises these cells and runs what they say.

export type Cell = { cell_type: 'markdown' | 'code'; source: string };

const md = (source: string): Cell => ({ cell_type: 'markdown', source });
const code = (source: string): Cell => ({ cell_type: 'code', source });

export const SANDBOX_NOTEBOOK: Cell[] = [
  md('# Sandbox\n\nA scratch notebook: try things out here before you move on to the experiment.'),
  code("print('Hello from your workbench')"),
];

export const TRAIN_NOTEBOOK: Cell[] = [
  md('# Experiment: train the fraud model'),
  md('## Install the Python packages\n\nThe training exports the model with tf2onnx and checks it with onnxruntime.'),
  code('!pip install onnx onnxruntime seaborn tf2onnx'),
  md('Import what the training uses:'),
  code(
    [
      'import json',
      'import os',
      'import time',
      'import numpy as np',
      'import pandas as pd',
      'from keras.models import Sequential',
      'from keras.layers import Dense, Dropout, BatchNormalization, Activation',
      'from sklearn.model_selection import train_test_split',
      'from sklearn.preprocessing import StandardScaler',
      'from sklearn.utils import class_weight',
      'import tf2onnx',
      'import onnx',
      'from pathlib import Path',
    ].join('\n'),
  ),
  md(
    '## Load the CSV data\n\nEach row is a card transaction: distance_from_home, distance_from_last_transaction, ratio_to_median_purchase_price, repeat_retailer, used_chip, used_pin_number, online_order, and fraud (the label).',
  ),
  code("Data = pd.read_csv('data/card_transdata.csv')\nData.head()"),
  code(
    [
      '# The model predicts fraud from five columns: drop the label and the two columns it does not use.',
      "X = Data.drop(columns = ['repeat_retailer', 'distance_from_home', 'fraud'])",
      "y = Data['fraud']",
      '',
      '# The last 20% of the rows are the test set; 20% of the rest are held out for validation.',
      'X_train, X_test, y_train, y_test = train_test_split(X, y, test_size = 0.2, shuffle = False)',
      'X_train, X_val, y_train, y_val = train_test_split(X_train, y_train, test_size = 0.2, stratify = y_train)',
      '',
      '# Scale each input to mean 0 and variance 1, fitting the scaler on the training split only.',
      'scaler = StandardScaler()',
      'X_train = scaler.fit_transform(X_train.values)',
      '',
      '# Keep the scaler: whoever sends transactions to the model must scale them the same way.',
      '# (The twin keeps it as JSON; the tutorial pickles it to artifact/scaler.pkl.)',
      'Path("artifact").mkdir(parents=True, exist_ok=True)',
      'with open("artifact/scaler.json", "w") as handle:',
      '    json.dump({"feature_names": list(X.columns), "mean": scaler.mean_.tolist(), "var": scaler.var_.tolist(),',
      '               "scale": scaler.scale_.tolist(), "n_samples_seen": int(scaler.n_samples_seen_)}, handle, indent=2)',
      '',
      '# Fraud is rare: weigh the classes so that the few fraud rows count as much as the many others.',
      "class_weights = class_weight.compute_class_weight('balanced', classes = np.unique(y_train), y = y_train)",
      'class_weights = {i : class_weights[i] for i in range(len(class_weights))}',
    ].join('\n'),
  ),
  md('## Build the model\n\nA small fully connected network: three hidden layers of 32 units and one sigmoid output.'),
  code(
    [
      'model = Sequential()',
      "model.add(Dense(32, activation = 'relu', input_dim = len(X.columns)))",
      'model.add(Dropout(0.2))',
      'model.add(Dense(32))',
      'model.add(BatchNormalization())',
      "model.add(Activation('relu'))",
      'model.add(Dropout(0.2))',
      'model.add(Dense(32))',
      'model.add(BatchNormalization())',
      "model.add(Activation('relu'))",
      'model.add(Dropout(0.2))',
      "model.add(Dense(1, activation = 'sigmoid'))",
      "model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])",
      'model.summary()',
    ].join('\n'),
  ),
  md('## Train the model\n\nThe replica trains 6 epochs over its 20 000 rows (the tutorial: 2 epochs over 1 000 000).'),
  code(
    [
      'start = time.time()',
      'epochs = 6',
      'history = model.fit(X_train, y_train, epochs=epochs,',
      '                    validation_data=(scaler.transform(X_val.values), y_val),',
      '                    verbose=True, class_weight=class_weights)',
      'end = time.time()',
      'print(f"Training of model is complete. Took {end-start} seconds")',
    ].join('\n'),
  ),
  md('## Save the model\n\nExport the model as ONNX into a numbered version directory, the layout the model servers expect.'),
  code(
    [
      'model_proto, _ = tf2onnx.convert.from_keras(model)',
      'os.makedirs("models/fraud/1", exist_ok=True)',
      'onnx.save(model_proto, "models/fraud/1/model.onnx")',
    ].join('\n'),
  ),
  md('## Check the saved model\n\nLoad the ONNX file with onnxruntime and score the test set: fraud when the output is above 0.95.'),
  code(
    [
      'import onnxruntime as rt',
      '',
      'session = rt.InferenceSession("models/fraud/1/model.onnx", providers=rt.get_available_providers())',
      'inputs = session.get_inputs()[0].name',
      'outputs = session.get_outputs()[0].name',
      'scores = session.run([outputs], {inputs: scaler.transform(X_test.values).astype(np.float32)})[0].squeeze()',
      'predictions = (scores > 0.95).astype(int)',
      'print("Accuracy:", (predictions == np.asarray(y_test)).mean())',
    ].join('\n'),
  ),
];

export const SAVE_NOTEBOOK: Cell[] = [
  md('# Save the model\n\nUpload the model to the S3 bucket of your data connection, so that the model servers can load it.'),
  md('## Connect to the bucket'),
  code('!pip install boto3 botocore'),
  code(
    [
      'import os',
      'import boto3',
      'import botocore',
      '',
      "aws_access_key_id = os.environ.get('AWS_ACCESS_KEY_ID')",
      "aws_secret_access_key = os.environ.get('AWS_SECRET_ACCESS_KEY')",
      "endpoint_url = os.environ.get('AWS_S3_ENDPOINT')",
      "region_name = os.environ.get('AWS_DEFAULT_REGION')",
      "bucket_name = os.environ.get('AWS_S3_BUCKET')",
      '',
      'if not all([aws_access_key_id, aws_secret_access_key, endpoint_url, region_name, bucket_name]):',
      '    raise ValueError("One or more data connection variables are empty: "',
      '                     "check the data connection of this workbench (AWS_* variables).")',
      '',
      'session = boto3.session.Session(aws_access_key_id=aws_access_key_id,',
      '                                aws_secret_access_key=aws_secret_access_key)',
      "s3 = session.resource('s3', config=botocore.client.Config(signature_version='s3v4'),",
      '                      endpoint_url=endpoint_url, region_name=region_name)',
      'bucket = s3.Bucket(bucket_name)',
      '',
      '',
      'def upload_directory(local_dir, prefix):',
      '    uploaded = 0',
      '    for root, _, files in os.walk(local_dir):',
      '        for name in files:',
      '            path = os.path.join(root, name)',
      '            key = os.path.join(prefix, os.path.relpath(path, local_dir))',
      '            print(f"{path} -> {key}")',
      '            bucket.upload_file(path, key)',
      '            uploaded += 1',
      '    return uploaded',
      '',
      '',
      'def list_objects(prefix):',
      '    for obj in bucket.objects.filter(Prefix=prefix).all():',
      '        print(obj.key)',
    ].join('\n'),
  ),
  md('## What is in the bucket under models/\n\nThe first time, this prints nothing.'),
  code('list_objects("models")'),
  md('## Upload the models directory'),
  code(
    [
      'if not os.path.isdir("models"):',
      '    raise ValueError("There is no models directory: run 1_experiment_train.ipynb first.")',
      '',
      'uploaded = upload_directory("models", "models")',
      'if uploaded == 0:',
      '    raise ValueError("Nothing was uploaded: the models directory is empty (expected models/fraud/1/model.onnx).")',
    ].join('\n'),
  ),
  md('And list the bucket again: models/fraud/1/model.onnx is there now.'),
  code('list_objects("models")'),
];

/** A notebook as nbformat 4 JSON, as JupyterLab saves it (sources as lists of lines). */
export function notebookJson(cells: Cell[], python = '3.9.18'): string {
  const lines = (s: string) => s.split(/(?<=\n)/);
  return `${JSON.stringify(
    {
      cells: cells.map((c) =>
        c.cell_type === 'markdown'
          ? { cell_type: 'markdown', metadata: {}, source: lines(c.source) }
          : { cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: lines(c.source) },
      ),
      metadata: {
        kernelspec: { display_name: 'Python 3.9', language: 'python', name: 'python3' },
        language_info: {
          codemirror_mode: { name: 'ipython', version: 3 },
          file_extension: '.py',
          mimetype: 'text/x-python',
          name: 'python',
          nbconvert_exporter: 'python',
          pygments_lexer: 'ipython3',
          version: python,
        },
      },
      nbformat: 4,
      nbformat_minor: 4,
    },
    null,
    1,
  )}\n`;
}
