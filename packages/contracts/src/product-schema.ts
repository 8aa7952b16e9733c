import { z } from 'zod';

/**
 * The rules a product's fields obey, wherever they enter: HTTP bodies, Kafka commands, gRPC
 * requests. One definition so the gateway, the writer and the reader cannot disagree.
 */
/** Our words for a missing or mistyped field, rather than the library's ("Invalid input: ..."). */
const required = (kind: string) => ({
  error: (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : `must be ${kind}`),
});

export const productFields = {
  productId: z.uuid({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a UUID') }),
  name: z
    .string(required('a string'))
    .trim()
    .min(1, 'must not be empty')
    .max(250, 'must be at most 250 characters'),
  description: z
    .string(required('a string'))
    .trim()
    .min(1, 'must not be empty')
    .max(5000, 'must be at most 5000 characters'),
  price: z
    .number(required('a number'))
    .refine(Number.isFinite, 'must be a finite number')
    .min(0, 'must not be negative'),
};

export const productInputSchema = z.strictObject({
  name: productFields.name,
  description: productFields.description,
  price: productFields.price,
});
export type ProductInput = z.infer<typeof productInputSchema>;

/** Search paging: page counts from 1; size is bounded so one query cannot ask for everything. */
export const paging = {
  defaultSize: 10,
  maxSize: 100,
} as const;
