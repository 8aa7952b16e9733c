import { assertUniqueCodes, commonErrors } from '@cqrs-products/errors';
import { describe, expect, it } from 'vitest';
import { gatewayErrors } from '../src/errors.js';

describe('gateway error catalogue', () => {
  it('declares codes that no shared catalogue uses', () => {
    expect(() => assertUniqueCodes(commonErrors, gatewayErrors)).not.toThrow();
  });
});
