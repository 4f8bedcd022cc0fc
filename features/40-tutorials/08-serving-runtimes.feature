@tutorial @serving
Feature: Other serving runtimes: Caikit TGIS and TGIS Standalone
  The single-model platform's other pre-installed runtimes of RHOAI 2.9 (OpenVINO Model Server is
  proven by the fraud-detection scenarios): "Caikit TGIS ServingRuntime for KServe" (model format
  caikit, Caikit's REST API in front of TGIS) and "TGIS Standalone ServingRuntime for KServe"
  (model format pytorch, TGIS's gRPC API). The model is a tiny text-generation model the harness
  writes (a character bigram table, in the Hugging Face layout: config.json, tokenizer.json,
  model.safetensors; for Caikit under artifacts/ with a config.yml naming caikit-nlp's TGIS
  text-generation module), uploaded to the project's bucket. It is a format of the twin's runtimes:
  real Caikit and TGIS images do not load it, so on a cluster these scenarios (tagged tiny-model)
  are not applicable: they are reported as skipped, never passed, with the reason attached
  (RHOAI_TINY_MODEL=auto; `run` runs them on a twin served standalone).
  Caikit is checked over the wire: its text generation answers with the continuation the model
  defines. TGIS answers gRPC only, which the harness does not speak: it is checked by what its
  model loading does — a valid model makes the InferenceService Ready, a model without its
  config.json fails to load with TGIS's error.
  Checklist section: components (CMP-07).

  @req.CMP-07 @tiny-model
  Scenario: The Caikit TGIS runtime serves a text-generation model
    Given the serving platforms of the installed platform are running
    And the data science project "caikit" named "Caikit TGIS serving" with S3 storage
    And the bucket "my-storage" with the data connection "My Storage"
    And the tiny text-generation model is uploaded for Caikit under "models/tiny-caikit"
    When I deploy the model "tiny caikit" in this project on the single-model serving platform with the serving runtime "Caikit TGIS ServingRuntime for KServe", the framework "caikit", the data connection "My Storage" and the path "models/tiny-caikit"
    Then the model "tiny-caikit" is ready, as the dashboard shows it
    And the model's text generation endpoint continues a prompt as the model defines

  @req.CMP-07 @tiny-model
  Scenario: The TGIS Standalone runtime loads a text-generation model, and refuses a broken one
    Given the serving platforms of the installed platform are running
    And the data science project "tgis" named "TGIS serving" with S3 storage
    And the bucket "my-storage" with the data connection "My Storage"
    And the tiny text-generation model is uploaded for TGIS under "models/tiny-tgis"
    And the tiny text-generation model without its "config.json" is uploaded for TGIS under "models/broken-tgis"
    When I deploy the model "tiny tgis" in this project on the single-model serving platform with the serving runtime "TGIS Standalone ServingRuntime for KServe", the framework "pytorch", the data connection "My Storage" and the path "models/tiny-tgis"
    Then the model "tiny-tgis" is ready, as the dashboard shows it
    When I deploy the model "broken tgis" in this project on the single-model serving platform with the serving runtime "TGIS Standalone ServingRuntime for KServe", the framework "pytorch", the data connection "My Storage" and the path "models/broken-tgis"
    Then the model "broken-tgis" fails to load, saying "config.json"
