/**
 * A worker node that takes one job and hangs in it, saying so on stdout, until the test kills
 * it with SIGKILL. Arguments: the backend kind, its location and schema, and the queue name.
 */
import { openNode, type BackendKind } from './backends.js';

const [kind, location, schema, name] = process.argv.slice(2) as [BackendKind, string, string, string];
const { queue } = openNode([kind, location, schema]);
await queue.work(name, { concurrency: 1 }, async (job) => {
  process.stdout.write(`started ${job.id}\n`);
  // Keeps the event loop alive: the job never ends on its own.
  await new Promise(() => setInterval(() => {}, 1000));
});
