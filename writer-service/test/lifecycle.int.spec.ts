import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { countPending } from '../src/postgres/outbox.repository.js';
import { createCommandHandler } from '../src/product-command.handler.js';
import { lamp, until } from './support/harness.js';
import { useWriter } from './support/writer-fixture.js';

const writer = useWriter();

const versionsOf = (productId: string) => writer.versionsOf(productId).sort((a, b) => a - b);

describe('writer lifecycle', () => {
  it('after a restart, commands queued and outbox rows committed while it was down are processed once', async () => {
    const productId = randomUUID();
    await writer.send('create', lamp(productId, 1));
    await until(() => versionsOf(productId).length === 1);

    const committedWhileDown = randomUUID();
    await writer.restart(async () => {
      // Not ready while stopping, and stopped cleanly: the probe port is closed now.
      await expect(fetch(`http://127.0.0.1:${writer.service.probesPort}/ready`)).rejects.toThrow();
      await writer.send('update', lamp(productId, 2));
      // A change committed by another instance whose relay never ran: the outbox keeps it.
      await createCommandHandler({ pool: writer.db.pool, eventTopics: writer.topics.events })({
        commandId: randomUUID(),
        source: 'test',
        traceHeaders: {},
        command: {
          kind: 'create',
          productId: committedWhileDown,
          name: 'Desk',
          description: 'A desk',
          price: 5,
        },
      });
    });

    await until(() => versionsOf(productId).length === 2 && versionsOf(committedWhileDown).length === 1);
    await writer.settled();
    expect(versionsOf(productId)).toEqual([1, 2]);
    expect(versionsOf(committedWhileDown)).toEqual([1]);
    expect(await countPending(writer.db.pool)).toBe(0);
    const ready = await fetch(`http://127.0.0.1:${writer.service.probesPort}/ready`);
    expect(ready.status).toBe(200);
  });
});
