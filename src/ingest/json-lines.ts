import type { z } from 'zod';

/** Parses one line of JSON Lines; a failure says what is wrong without throwing. */
export function parseJsonLine(line: string): { value: unknown } | { reason: string } {
  try {
    return { value: JSON.parse(line) };
  } catch (error) {
    return { reason: `invalid JSON: ${(error as Error).message}` };
  }
}

/** Turns a zod failure into one line naming the fields and what is wrong with them. */
export function zodReason(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const field = issue.path.join('.') || '(record)';
      return issue.code === 'invalid_type' && /received undefined/.test(issue.message)
        ? `field "${field}" is missing`
        : `field "${field}": ${issue.message}`;
    })
    .join('; ');
}
