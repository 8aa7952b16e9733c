import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort } from '../src/index.js';

describe('freePort', () => {
  it('hands out ports below the kernel ephemeral range, which outgoing connections draw from', async () => {
    const [ephemeralFirst] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/);
    const ports = [await freePort(), await freePort(), await freePort()];
    for (const port of ports) expect(port).toBeLessThan(Number(ephemeralFirst));
  });

  it('never hands out the same port twice in one worker', async () => {
    const ports: number[] = [];
    for (let i = 0; i < 50; i++) ports.push(await freePort());
    expect(new Set(ports).size).toBe(50);
  });

  it('skips a port something already listens on', async () => {
    const probe = await freePort();
    const busy = createServer();
    // The next port in this worker's walk: freePort must pass over it.
    await new Promise<void>((resolve) => busy.listen(probe + 1, '127.0.0.1', resolve));
    try {
      const next = await freePort();
      expect(next).not.toBe(probe + 1);
    } finally {
      busy.close();
    }
  });
});
