import { simpleParser } from 'mailparser';
import { createApp } from '../app.js';
import { resolveConfig } from '../config.js';
import { listOutbox, readOutbox } from '../mail/outbox.js';
import { intOption, stringOption, type Command } from './command.js';

export const outboxCommand: Command = {
  name: 'outbox',
  summary: 'list or show mail the embedded mailer wrote',
  usage: `usage: paperfeed outbox [--limit <n>] [--show <name>] [--db <file>]

  Without an SMTP relay ($PAPERFEED_SMTP_URL), mail is written as .eml files to the outbox
  folder next to the database ($PAPERFEED_OUTBOX to move it). Lists the newest messages.

  --limit   how many to list (default 20)
  --show    print one message's subject and text part`,
  options: { limit: { type: 'string' }, show: { type: 'string' } },
  async run(parsed, io) {
    const app = createApp(resolveConfig({ db: stringOption(parsed, 'db') }));
    const dir = app.mail.outboxDir;
    await app.close();
    const show = stringOption(parsed, 'show');
    if (show !== undefined) {
      const mail = await simpleParser(await readOutbox(dir, show));
      io.out(`To: ${mail.to ? [mail.to].flat().map((to) => to.text).join(', ') : ''}\nSubject: ${mail.subject ?? ''}\nDate: ${mail.date?.toISOString() ?? ''}\n\n${mail.text ?? ''}`);
      return 0;
    }
    const entries = await listOutbox(dir);
    for (const entry of entries.slice(0, intOption(parsed, 'limit', 20))) io.out(`${entry.modified}  ${String(entry.size).padStart(7)}  ${entry.name}`);
    io.err(`${entries.length} messages in ${dir}`);
    return 0;
  },
};
