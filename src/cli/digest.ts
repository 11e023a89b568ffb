import { createApp } from '../app.js';
import { resolveConfig } from '../config.js';
import { PaperfeedError } from '../errors.js';
import { stringOption, type Command } from './command.js';

export const digestCommand: Command = {
  name: 'digest',
  summary: 'send the digests that are due',
  usage: `usage: paperfeed digest run [--now <iso>] [--dry-run] [--db <file>]

  Sends each active subscriber's digest when their local delivery hour has come, once per
  period, and prints {"due":..,"sent":..,"empty":..,"skipped":..,"retry":..,"bounced":..,"failed":..}.
  Running it again, or after a crash, sends only what is left.

  --now       the time to run as (ISO 8601), e.g. to catch up; default: now
  --dry-run   compose and count, but claim and send nothing

  Mail goes to $PAPERFEED_SMTP_URL, else to the outbox folder next to the database.
  Exit code 9 when some digest could not be sent (it is retried by later runs).`,
  options: { now: { type: 'string' }, 'dry-run': { type: 'boolean' } },
  async run(parsed, io) {
    if (parsed.positionals[0] !== 'run' || parsed.positionals.length !== 1) {
      throw new PaperfeedError('usage', `expected "digest run"\n\n${this.usage}`);
    }
    const raw = stringOption(parsed, 'now');
    const now = raw === undefined ? new Date() : new Date(raw);
    if (raw !== undefined && (!/^\d{4}-\d{2}-\d{2}T/.test(raw) || Number.isNaN(now.getTime()))) {
      throw new PaperfeedError('usage', `--now: "${raw}" is not an ISO 8601 date-time`);
    }
    const app = createApp(resolveConfig({ db: stringOption(parsed, 'db') }));
    try {
      const summary = await app.digests.run(now, { dryRun: parsed.values['dry-run'] === true });
      io.out(JSON.stringify(summary));
      return summary.retry + summary.failed > 0 ? 9 : 0;
    } finally {
      await app.close();
    }
  },
};
