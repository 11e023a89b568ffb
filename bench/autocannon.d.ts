// The parts of autocannon's API the HTTP benchmark uses; the package ships no types.
declare module 'autocannon' {
  interface Options {
    url: string;
    connections: number;
    duration: number;
    requests?: { setupRequest?: (request: { path: string }) => { path: string } }[];
  }
  interface Result {
    requests: { average: number };
    latency: { p50: number; p99: number };
    errors: number;
    non2xx: number;
  }
  export default function autocannon(options: Options): Promise<Result>;
}
