import type { Timestamp__Output } from './generated/google/protobuf/Timestamp.js';

/** google.protobuf.Timestamp from a Date, keeping millisecond precision. */
export function toTimestamp(date: Date): { seconds: number; nanos: number } {
  const ms = date.getTime();
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: (ms - seconds * 1000) * 1_000_000 };
}

export function fromTimestamp(ts: Timestamp__Output): Date {
  return new Date(ts.seconds * 1000 + Math.floor(ts.nanos / 1_000_000));
}
