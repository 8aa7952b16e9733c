import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type Stack, startStack } from '@cqrs-products/testing';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemExamples } from '../../../api-gateway/src/http/problem.examples.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const uiTimeoutMs = 30_000;

let stack: Stack;
let browser: Browser;
let page: Page;
/** Requests the page tried to send anywhere but this machine (all refused). */
const offMachine: string[] = [];

beforeAll(async () => {
  // Installs Debian's chromium when missing (once per machine), then prints its path.
  const executablePath = execFileSync('bash', [`${repoRoot}scripts/browser/chromium.sh`], {
    encoding: 'utf8',
    timeout: 300_000,
  }).trim();
  [stack, browser] = await Promise.all([
    startStack(),
    // No sandbox: CI runs as root, where Chromium refuses to start with it.
    chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] }),
  ]);
  page = await browser.newPage();
  page.setDefaultTimeout(uiTimeoutMs);
  await page.route('**/*', (route) => {
    const { hostname } = new URL(route.request().url());
    if (hostname === '127.0.0.1' || hostname === 'localhost') return route.continue();
    offMachine.push(route.request().url());
    return route.abort();
  });
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const origin = () => new URL(stack.apiUrl).origin;

describe('Swagger UI at /swagger, in a real browser', () => {
  it('lists every operation of the OpenAPI document it serves', async () => {
    await page.goto(`${origin()}/swagger`);
    await page.locator('.opblock').first().waitFor();

    const listed = await page
      .locator('.opblock .opblock-summary')
      .evaluateAll((summaries) =>
        summaries.map(
          (s) =>
            `${s.querySelector('.opblock-summary-method')?.textContent} ${s.querySelector('.opblock-summary-path')?.getAttribute('data-path')}`,
        ),
      );
    // The document the page renders, whose operations the gateway's unit test pins (openapi.unit).
    const document = (await (await fetch(`${origin()}/swagger/json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented).toHaveLength(6);
    expect(listed.sort()).toEqual(documented.sort());
    expect(offMachine).toEqual([]);
  });

  /** Opens an operation, presses "Try it out", fills its fields, executes, and answers status and body. */
  const tryItOut = async (operationId: string, fill: (operation: Locator) => Promise<void>) => {
    const operation = page.locator(`#operations-products-${operationId}`);
    await operation.locator('.opblock-summary').click();
    await operation.getByRole('button', { name: 'Try it out' }).click();
    await fill(operation);
    await operation.getByRole('button', { name: 'Execute' }).click();
    const liveResponse = operation.locator('.live-responses-table .response').first();
    await expect
      .poll(async () => (await liveResponse.locator('.response-col_status').textContent())?.trim(), {
        timeout: uiTimeoutMs,
      })
      .toMatch(/^\d{3}/);
    const status = Number((await liveResponse.locator('.response-col_status').textContent())?.trim());
    const shown = (await liveResponse.locator('.response-col_description pre').first().textContent()) ?? '';
    return { status, body: JSON.parse(shown) as Record<string, unknown> };
  };

  it('creates a product through "Try it out" and reads it at once with minVersion: 201, then 200, no 404 in between', async () => {
    await page.goto(`${origin()}/swagger`);
    const body = { name: 'Swagger lamp', description: 'Created from Swagger UI', price: 12.5 };
    const created = await tryItOut('createProduct', (op) =>
      op.locator('textarea.body-param__text').fill(JSON.stringify(body)),
    );
    expect(created.status).toBe(201);
    const { productId, version } = created.body as { productId: string; version: number };
    expect(productId).toMatch(/^[0-9a-f-]{36}$/);
    expect(version).toBe(1);

    // Straight away, as a user would: the reader waits for version 1 instead of answering 404.
    const read = await tryItOut('getProductById', async (op) => {
      await op.locator('tr[data-param-name="id"] input').fill(productId);
      await op.locator('tr[data-param-name="minVersion"] input').fill(String(version));
    });
    expect(read).toEqual({ status: 200, body: expect.objectContaining({ productId, ...body, version: 1 }) });
    expect(offMachine).toEqual([]);
  });

  it('documents the 404 the real system answers for an unknown id', async () => {
    const id = '00000000-0000-4000-8000-000000000000';

    const response = await fetch(`${stack.apiUrl}/products/${id}`);

    const documented = problemExamples.notFound.value;
    expect(await response.json()).toEqual({
      ...documented,
      detail: documented.detail.replace(/[0-9a-f-]{36}$/, id),
      instance: `/api/v1/products/${id}`,
    });
  });
});
