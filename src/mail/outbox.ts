/**
 * The embedded mailer: writes each message as an .eml file into a local folder instead of
 * sending it, so a fresh install can show its digests without an SMTP relay.
 */
import { mkdir, open, readdir, readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Mailer, OutgoingMail } from '../digest/mailer.js';
import { PaperfeedError } from '../errors.js';
import { MessageBuilder } from './message.js';

/** One message in the outbox. */
export interface OutboxEntry {
  name: string;
  size: number;
  modified: string;
}

const NAME = /^[\w.-]{1,200}\.eml$/;

/** Writes messages to `dir` atomically (temp file, fsync, rename); a key already there is not written again. */
export class OutboxMailer implements Mailer {
  private readonly messages = new MessageBuilder();

  constructor(readonly dir: string) {}

  async send(mail: OutgoingMail): Promise<void> {
    const name = `${mail.key.replace(/[^\w.-]/g, '_')}.eml`;
    const path = join(this.dir, name);
    // The file is the delivery: when a crash hit between writing it and recording it, the retry finds it and stops.
    if (await exists(path)) return;
    await mkdir(this.dir, { recursive: true });
    const { raw: message } = this.messages.build(mail);
    const temp = `${path}.${process.pid}.tmp`;
    const file = await open(temp, 'w');
    try {
      await file.writeFile(message);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  }

  async close(): Promise<void> {}
}

/** The outbox's messages, newest first. */
export async function listOutbox(dir: string): Promise<OutboxEntry[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => NAME.test(name));
  } catch {
    return [];
  }
  const entries = await Promise.all(names.map(async (name) => {
    const info = await stat(join(dir, name));
    return { name, size: info.size, modified: info.mtime.toISOString() };
  }));
  return entries.sort((a, b) => b.modified.localeCompare(a.modified) || b.name.localeCompare(a.name));
}

/** One message's raw bytes; names are checked so nothing outside the folder can be read. */
export async function readOutbox(dir: string, name: string): Promise<Buffer> {
  if (!NAME.test(name)) throw new PaperfeedError('bad_input', `${name}: not an outbox message name`);
  try {
    return await readFile(join(dir, name));
  } catch {
    throw new PaperfeedError('not_found', `${name}: no such message in the outbox`);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
