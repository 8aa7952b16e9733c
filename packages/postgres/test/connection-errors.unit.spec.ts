import { describe, expect, it } from 'vitest';
import { isConnectionError } from '../src/index.js';

const withCode = (code: string) => Object.assign(new Error(code), { code });

describe('a PostgreSQL connection error', () => {
  it.each([
    ['08006', 'a connection failure (SQLSTATE class 08)'],
    ['57P01', 'an admin shutdown'],
    ['57P03', 'a server that cannot connect now (starting up)'],
    ['ECONNREFUSED', 'nothing listening'],
    ['ECONNRESET', 'a connection reset'],
  ])('is %s: %s', (code) => {
    expect(isConnectionError(withCode(code))).toBe(true);
  });

  it('is what the driver says when a connection ends or cannot be made in time', () => {
    expect(isConnectionError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isConnectionError(new Error('timeout exceeded when trying to connect'))).toBe(true);
  });

  it('is not a statement the server refused, a bug, or nothing', () => {
    expect(isConnectionError(withCode('42601'))).toBe(false); // syntax error
    expect(isConnectionError(withCode('23505'))).toBe(false); // unique violation
    expect(isConnectionError(new Error('a bug'))).toBe(false);
    expect(isConnectionError(undefined)).toBe(false);
  });
});
