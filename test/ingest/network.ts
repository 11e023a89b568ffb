import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../src/ingest/clock.js';

/** One HTTP answer of a replayed server. */
export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body: string | Buffer;
}

export interface ReplayServer {
  /** `http://127.0.0.1:<port>`, to pass as a source's base URL. */
  baseUrl: string;
  /** The path and query of every request, in order. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * A real HTTP server on 127.0.0.1 that answers each request with `reply(url)`, standing in for
 * arXiv's servers, which tests replay from recorded responses.
 */
export async function replayServer(reply: (url: URL) => Reply): Promise<ReplayServer> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    const path = request.url ?? '/';
    requests.push(path);
    let answer: Reply;
    try {
      answer = reply(new URL(path, 'http://127.0.0.1'));
    } catch (error) {
      answer = { status: 500, body: `replay server: ${(error as Error).message}` };
    }
    response.writeHead(answer.status, answer.headers);
    response.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** The query of a URL as sorted `name=value` pairs, decoded, so that tests can name requests readably. */
export function queryKey(params: URLSearchParams | string): string {
  const entries = [...new URLSearchParams(params).entries()].sort(([a], [b]) => a.localeCompare(b));
  return entries.map(([name, value]) => `${name}=${value}`).join('&');
}

/** A clock that records each sleep and returns at once, moving its time forward by the sleep. */
export function fakeClock(start: string): Clock & { sleeps: number[] } {
  let now = Date.parse(start);
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => new Date(now),
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}
