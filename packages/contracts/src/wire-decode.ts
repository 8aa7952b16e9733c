import type { z } from 'zod';
import { decodeMessage, type KafkaMessageName } from './kafka-codec.js';

/** "Name: must not be empty; Price: must not be negative"; `whole` names an issue of the whole value. */
export function describeIssues(error: z.ZodError, whole: string): string {
  return error.issues.map((issue) => `${issue.path.join('.') || whole}: ${issue.message}`).join('; ');
}

export type WireDecoding<T> =
  | { readonly ok: true; readonly value: T }
  | {
      readonly ok: false;
      /** Bytes that are no encoding of the message, or a message that breaks the schema. */
      readonly failure: 'undecodable' | 'invalid';
      readonly message: string;
      readonly cause?: unknown;
    };

/**
 * Bytes from Kafka -> a value the schema accepts, or why not. Either failure repeats on every
 * delivery, so callers dead-letter it (as a PoisonMessageError with their own code) at once.
 */
export function decodeWire<S extends z.ZodType>(
  name: KafkaMessageName,
  bytes: Uint8Array | null,
  schema: S,
): WireDecoding<z.infer<S>> {
  let decoded: unknown;
  try {
    decoded = decodeMessage(name, bytes ?? Buffer.alloc(0));
  } catch (error) {
    const message = `cannot decode ${name}: ${(error as Error).message}`;
    return { ok: false, failure: 'undecodable', message, cause: error };
  }
  const parsed = schema.safeParse(decoded);
  if (parsed.success) return { ok: true, value: parsed.data };
  return {
    ok: false,
    failure: 'invalid',
    message: `invalid ${name}: ${describeIssues(parsed.error, 'message')}`,
  };
}
