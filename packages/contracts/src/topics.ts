/** Kafka topic names, as in the Go original. Commands are imperative, events past tense. */
export const commandTopics = {
  create: 'product_create',
  update: 'product_update',
  delete: 'product_delete',
} as const;

export const eventTopics = {
  created: 'product_created',
  updated: 'product_updated',
  deleted: 'product_deleted',
} as const;

export type CommandKind = keyof typeof commandTopics;
export type EventKind = keyof typeof eventTopics;

export interface ProductTopics {
  readonly commands: { readonly [K in CommandKind]: string };
  readonly events: { readonly [K in EventKind]: string };
}

/**
 * The topic names in use. The prefix is empty in production; tests give every file its own
 * prefix so that files running in parallel on one broker never see each other's messages.
 */
export function productTopics(prefix = ''): ProductTopics {
  const withPrefix = <T extends Record<string, string>>(names: T) =>
    Object.fromEntries(Object.entries(names).map(([kind, name]) => [kind, `${prefix}${name}`])) as {
      [K in keyof T]: string;
    };
  return { commands: withPrefix(commandTopics), events: withPrefix(eventTopics) };
}

/** Header names carried on every message we produce. */
export const headerNames = {
  messageId: 'message-id',
  /** On events: the message id of the command that caused the event (a consistency token). */
  commandId: 'command-id',
  contentType: 'content-type',
  messageType: 'message-type',
} as const;

export const protobufContentType = 'application/x-protobuf';
