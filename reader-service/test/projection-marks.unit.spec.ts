import { describe, expect, it } from 'vitest';
import type { ProductEvent, StoredProduct } from '../src/domain/product.js';
import { createProjection } from '../src/projection.js';
import type { WriteMarks } from '../src/redis/product.cache.js';

// The order of one batch's steps, which the cache's write marks rely on (product.cache.ts): the
// mark before MongoDB, the cache write with the mark after it, and a failed batch leaves it.
const at = new Date('2026-01-02T03:04:05.006Z');
const updated = (productId: string, version: number): ProductEvent => ({
  type: 'ProductUpdated',
  product: { productId, name: 'n', description: 'd', price: 1, createdAt: at, updatedAt: at, version },
});

function projectionRecordingSteps(mongo: () => Promise<void> = async () => {}) {
  const steps: string[] = [];
  const marks: WriteMarks = { productIds: [], marked: true, end: () => steps.push('marks ended') };
  const projection = createProjection({
    repository: {
      saveAll: async (batch: readonly StoredProduct[]) => {
        steps.push('MongoDB');
        await mongo();
        return { outcomes: batch.map(() => 'applied' as const), current: [] };
      },
    },
    searchStore: {
      saveAll: async (batch) => {
        steps.push('search');
        return batch.length;
      },
    },
    cache: {
      markWriting: async (productIds) => {
        steps.push(`marked ${productIds.join(',')}`);
        return { ...marks, productIds };
      },
      rememberAll: async (batch, given) => {
        steps.push(`cache ${batch.length} with ${given?.productIds.join(',')}`);
      },
    },
    log: { debug() {} },
  });
  return { projection, steps };
}

describe('a batch and the write marks of its products', () => {
  it('marks them before MongoDB and writes the cache with the marks after MongoDB and search', async () => {
    const { projection, steps } = projectionRecordingSteps();

    await projection.applyAll([updated('a', 2), updated('b', 3)]);

    expect(steps).toEqual(['marked a,b', 'MongoDB', 'search', 'cache 2 with a,b', 'marks ended']);
  });

  it('that fails in MongoDB writes no cache entry and leaves the marks in Redis for the batch that comes again', async () => {
    const { projection, steps } = projectionRecordingSteps(async () => {
      throw new Error('MongoDB is down');
    });

    await expect(projection.applyAll([updated('a', 2)])).rejects.toThrow('MongoDB is down');

    // 'marks ended' is this process' count only: nothing removes the mark from Redis here.
    expect(steps).toEqual(['marked a', 'MongoDB', 'marks ended']);
  });
});
