/**
 * Time as the network sources see it. They wait between requests and honour Retry-After, so
 * they take the clock as a port: tests pass a fake that records each sleep and returns at once.
 *
 * @example
 * const get = politeFetcher({ clock: systemClock });
 */
export interface Clock {
  now(): Date;
  sleep(ms: number): Promise<void>;
}

/** The real clock: wall time and `setTimeout`. */
export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
