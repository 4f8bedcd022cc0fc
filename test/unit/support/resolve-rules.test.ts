import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatResolveRules, matchResolveRule, parseResolveRules } from '../../../support/core/http/resolve-rules';

describe('RHOAI_RESOLVE rules', () => {
  const rules = parseResolveRules('*.apps.twin.local=127.0.0.1:41235,api.twin.local=127.0.0.1:41234,v6.example=[::1]:8443');

  it('parses and formats back', () => {
    assert.equal(formatResolveRules(rules), '*.apps.twin.local=127.0.0.1:41235,api.twin.local=127.0.0.1:41234,v6.example=[::1]:8443');
  });

  it('matches wildcard patterns below the domain only', () => {
    assert.equal(matchResolveRule(rules, 'rhods-dashboard.apps.twin.local')?.port, 41235);
    assert.equal(matchResolveRule(rules, 'A.B.APPS.TWIN.LOCAL')?.port, 41235);
    assert.equal(matchResolveRule(rules, 'apps.twin.local'), undefined);
    assert.equal(matchResolveRule(rules, 'api.twin.local')?.port, 41234);
    assert.equal(matchResolveRule(rules, 'other.example'), undefined);
  });

  it('rejects malformed entries', () => {
    assert.throws(() => parseResolveRules('nohost'), /has no "="/);
    assert.throws(() => parseResolveRules('*.x=999.1.1.1:80'), /not an IP address/);
    assert.throws(() => parseResolveRules('bad_host=1.1.1.1:80'), /not a host name/);
  });
});
