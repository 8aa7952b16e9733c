import fastJson from 'fast-json-stringify';
import type { FastifySerializerCompiler } from 'fastify/types/schema.js';
import { serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';

type RouteSchema = Parameters<typeof zodSerializerCompiler>[0];

/**
 * Success bodies are written by fast-json-stringify (Fastify's own serializer) from the JSON
 * Schema of the route's zod schema: the same contract, one definition, and like zod's encoder it
 * writes only the schema's properties and refuses a body without a required one (500). Why not
 * zod's: on GET by id, re-checking every product the gateway itself just mapped (safeEncode, then
 * JSON.stringify) cost 5% of the gateway's CPU (bench/results/get-path-profile.md). Problem
 * answers, rare and richer in shape, keep zod's serializer, as does a schema JSON Schema cannot
 * express (a transform).
 */
export const serializerCompiler: FastifySerializerCompiler<RouteSchema['schema']> = (route) => {
  const status = Number(route.httpStatus);
  if (!(status >= 200 && status < 300) || !(route.schema instanceof z.ZodType))
    return zodSerializerCompiler(route);
  let jsonSchema: object;
  try {
    jsonSchema = z.toJSONSchema(route.schema, { target: 'draft-7', io: 'output', unrepresentable: 'throw' });
  } catch {
    return zodSerializerCompiler(route);
  }
  return fastJson(jsonSchema as Parameters<typeof fastJson>[0]);
};
