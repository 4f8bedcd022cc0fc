// The harness's KFP v2beta1 types are held to the swagger of Data Science Pipelines 2.0
// (../shared/apis/kfp-v2beta1/kfp_api_single_file.swagger.json): every field the harness's
// interfaces name is a property of the swagger definition they stand for, and the enums are the
// swagger's. (The compiler holds the field lists to the interfaces.)
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { SWAGGER_ENUMS, SWAGGER_SHAPES } from '../../../support/pipelines/kfp-types';

const SWAGGER = resolve(__dirname, '..', '..', '..', '..', 'shared', 'apis', 'kfp-v2beta1', 'kfp_api_single_file.swagger.json');
// The upstream API files live next to the project (../shared); a lone clone has none.
const skip = existsSync(SWAGGER) ? false : `no ${SWAGGER} (a clone without ../shared)`;

test('every field of the KFP types is a property of its swagger definition', { skip }, () => {
  const definitions = JSON.parse(readFileSync(SWAGGER, 'utf8')).definitions as Record<string, { properties?: Record<string, unknown> }>;
  for (const [definition, fields] of Object.entries(SWAGGER_SHAPES)) {
    const properties = definitions[definition]?.properties;
    assert.ok(properties, `the swagger has no definition ${definition}`);
    const unknown = fields.filter((f) => !(f in properties));
    assert.deepEqual(unknown, [], `${definition} has no properties ${unknown.join(', ')} (it has ${Object.keys(properties).join(', ')})`);
  }
});

test('the KFP enums are the swagger enums', { skip }, () => {
  const definitions = JSON.parse(readFileSync(SWAGGER, 'utf8')).definitions as Record<string, { enum?: string[] }>;
  for (const [definition, values] of Object.entries(SWAGGER_ENUMS))
    assert.deepEqual([...values], definitions[definition]?.enum, definition);
});
