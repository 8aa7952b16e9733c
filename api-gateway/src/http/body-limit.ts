import { productInputSchema } from '@cqrs-products/contracts';
import { z } from 'zod';

/**
 * The body limit follows from the field rules, so a body the schema allows is never refused with 413
 * and a new or longer field moves the limit with it.
 */

type JsonSchema = z.core.JSONSchema._JSONSchema;

/**
 * A JSON encoder may write any character as `\uXXXX`: 6 bytes for each UTF-16 unit, which is what
 * `maxLength` counts. UTF-8 needs at most 3 bytes a unit (4 for a surrogate pair), so escaping is the
 * most a string can take.
 */
const escapedBytes = (units: number): number => units * 6;
const stringBytes = (units: number): number => 2 + escapedBytes(units);
/**
 * The longest shortest-round-trip spelling of a finite double (what JSON encoders write):
 * `0.0000012345678901234567`, one more with a minus sign.
 */
const numberBytes = (nonNegative: boolean): number => (nonNegative ? 24 : 25);

/**
 * The largest JSON text, without insignificant whitespace, of any value the schema accepts. Throws
 * for a schema that bounds nothing (a string without maxLength, an open object), so an unbounded
 * field is found at start-up rather than by a client.
 */
export function largestJsonBytes(schema: JsonSchema, at = 'body'): number {
  if (typeof schema === 'boolean') throw new Error(`${at}: a boolean schema has no size limit`);
  // A list of types (a union) is not bounded here: the product schema has none.
  switch (schema.type) {
    case 'string':
      if (schema.maxLength === undefined)
        throw new Error(`${at}: a string without maxLength has no size limit`);
      return stringBytes(schema.maxLength);
    case 'number':
    case 'integer':
      return numberBytes(schema.minimum !== undefined && schema.minimum >= 0);
    case 'boolean':
      return 'false'.length;
    case 'null':
      return 'null'.length;
    case 'object': {
      if (schema.additionalProperties !== false) throw new Error(`${at}: an open object has no size limit`);
      const members = Object.entries(schema.properties ?? {}).map(
        ([key, value]) => stringBytes(key.length) + ':'.length + largestJsonBytes(value, `${at}.${key}`),
      );
      const commas = Math.max(members.length - 1, 0);
      return '{}'.length + commas + members.reduce((sum, bytes) => sum + bytes, 0);
    }
    default:
      throw new Error(`${at}: cannot bound the JSON size of type ${String(schema.type)}`);
  }
}

/** The create and update body: name, description and price at their longest, every character escaped. */
export const largestProductBodyBytes = largestJsonBytes(z.toJSONSchema(productInputSchema, { io: 'input' }));

/** Room for the whitespace of a pretty-printing client (indentation, newlines), generously. */
const whitespaceSlackBytes = 1_024;
const kib = 1_024;

/** The default limit: the largest valid body plus slack, rounded up to whole KiB. */
export const defaultBodyLimitBytes = Math.ceil((largestProductBodyBytes + whitespaceSlackBytes) / kib) * kib;
