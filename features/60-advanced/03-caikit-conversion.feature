@advanced @serving
Feature: ADV-03 A model converted to the Caikit format by a Job, served by the Caikit TGIS runtime
  Checklist "Caikit conversion". The Caikit TGIS runtime of RHOAI 2.9's single-model platform serves
  only models in the Caikit layout; RHOAI 2.9's documentation sends a Hugging Face model through
  caikit-nlp's conversion first, and opendatahub-io/caikit-tgis-serving (demo/kserve/built-tip.md,
  utils/convert.py) gives it: caikit_nlp.text_generation.TextGeneration.bootstrap(<model>).save(<out>).
  Here it runs as a Job in the image of the runtime's own Caikit container, against the project's
  models bucket through the data connection: it downloads the model's objects, converts them, and
  uploads the result. What the result must be is what TextGeneration.save writes (caikit/caikit-nlp
  caikit_nlp/modules/text_generation/text_generation_local.py): config.yml naming TextGeneration's
  module_id (the id Caikit loads a model by; its TGIS backend module shares it) with artifact_path
  "artifacts", and the model's config, tokenizer and weights under artifacts/, which the runtime's
  TGIS container loads (--model-name=/mnt/models/artifacts/). The unconverted model is refused by the
  same runtime. The model is the harness's tiny text-generation model (tagged tiny-model: not
  applicable on a cluster, where the real caikit-nlp cannot bootstrap it).
  Checklist section: advanced (ADV-03).

  @req.ADV-03 @tiny-model
  Scenario: A Hugging Face model converted to the Caikit layout by a Job is served by Caikit TGIS, which refuses it unconverted
    Given the serving platforms of the installed platform are running
    And the data science project "caikit-convert" named "Caikit conversion" with S3 storage
    And the bucket "my-storage" with the data connection "My Storage"
    And the tiny text-generation model is uploaded for TGIS under "models/tiny-hf"
    When the model under "models/tiny-hf" is converted to the Caikit format under "models/tiny-converted" by a Job
    Then the bucket holds the Caikit layout under "models/tiny-converted"
    When I deploy the model "tiny converted" in this project on the single-model serving platform with the serving runtime "Caikit TGIS ServingRuntime for KServe", the framework "caikit", the data connection "My Storage" and the path "models/tiny-converted"
    Then the model "tiny-converted" is ready, as the dashboard shows it
    And the model's text generation endpoint continues a prompt as the model defines
    When I deploy the model "tiny unconverted" in this project on the single-model serving platform with the serving runtime "Caikit TGIS ServingRuntime for KServe", the framework "caikit", the data connection "My Storage" and the path "models/tiny-hf"
    Then the model "tiny-unconverted" fails to load, saying "/mnt/models/artifacts/"
