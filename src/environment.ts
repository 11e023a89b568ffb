import type { z } from 'zod';
import { PaperfeedError } from './errors.js';

/**
 * Reads `PAPERFEED_*` settings from the environment against a schema, at the edge: the first
 * problem is a usage error naming the variable.
 */
export function parseEnvironment<T extends z.ZodType>(schema: T, env: NodeJS.ProcessEnv): z.infer<T> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new PaperfeedError('usage', `${issue.path.join('.')}: ${issue.message}`);
}
