import { Then, When } from '@cucumber/cucumber';
import { assertCaikitLayout, convertToCaikit } from '../support/serving/caikit-conversion';
import type { RhoaiWorld } from '../support/core/world';

When(
  'the model under {string} is converted to the Caikit format under {string} by a Job',
  function (this: RhoaiWorld, source: string, target: string) {
    return convertToCaikit(this, source, target);
  },
);

Then('the bucket holds the Caikit layout under {string}', function (this: RhoaiWorld, target: string) {
  return assertCaikitLayout(this, target);
});
