import { problemResponses } from './problem.docs.js';

/**
 * The error answers each product route documents, by status: the examples (problem.examples.ts,
 * each a real answer that problem-examples.unit.spec.ts provokes) that this route can give, so the
 * OpenAPI document promises nothing the code does not do.
 */

// The commands' 503: Kafka did not take the command in time, or the publisher refused it at once.
const commandUnavailable = ['commandNotAccepted', 'commandQueueFull'] as const;

export const createProblems = problemResponses({
  400: ['invalidBody', 'brokenJson'],
  405: ['collectionMethodNotAllowed'],
  413: ['tooLarge'],
  415: ['notJson'],
  500: ['internal'],
  503: commandUnavailable,
});
export const updateProblems = problemResponses({
  400: ['invalidBody', 'invalidId', 'brokenJson'],
  405: ['methodNotAllowed'],
  413: ['tooLarge'],
  415: ['notJson'],
  500: ['internal'],
  503: commandUnavailable,
});
export const deleteProblems = problemResponses({
  400: ['invalidId'],
  405: ['methodNotAllowed'],
  500: ['internal'],
  503: commandUnavailable,
});
export const getProblems = problemResponses({
  400: ['invalidId'],
  404: ['notFound'],
  405: ['methodNotAllowed'],
  500: ['internal'],
  503: ['versionNotYetVisible', 'readModelUnavailable'],
});
export const searchProblems = problemResponses({
  400: ['invalidQuery'],
  500: ['internal'],
  503: ['readModelUnavailable'],
});
export const healthProblems = problemResponses({ 500: ['internal'] });
