/**
 * The one error type of paperfeed. Every failure that a user can cause or see carries a code;
 * the HTTP and CLI edges map the code to a status, an exit code and a message.
 *
 * @example throw new PaperfeedError('bad_input', 'snapshot.json:12: field "id" is missing')
 */
export type ErrorCode =
  | 'bad_input' // a record, file, query or form that cannot be understood
  | 'usage' // the command line or request was used wrongly
  | 'not_found'
  | 'conflict'
  | 'rate_limited'
  | 'unauthorized'
  | 'forbidden'
  | 'remote' // a remote server (arXiv, Hugging Face, SMTP) failed
  | 'internal';

export class PaperfeedError extends Error {
  readonly code: ErrorCode;
  /** Extra facts for the edge, e.g. `{ retryAfterSeconds: 30 }` or the field that was wrong. */
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'PaperfeedError';
    this.code = code;
    this.details = details;
  }
}

/** HTTP status for each error code. */
export const httpStatusOf: Record<ErrorCode, number> = {
  bad_input: 400,
  usage: 400,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  unauthorized: 401,
  forbidden: 403,
  remote: 502,
  internal: 500,
};

/** CLI exit code for each error code (documented in the README). */
export const exitCodeOf: Record<ErrorCode, number> = {
  bad_input: 4,
  usage: 2,
  not_found: 5,
  conflict: 6,
  rate_limited: 7,
  unauthorized: 8,
  forbidden: 8,
  remote: 9,
  internal: 1,
};
