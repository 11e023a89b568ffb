import { PaperfeedError, exitCodeOf } from '../errors.js';
import { parseCommandArgs, type Command, type Io } from './command.js';
import { digestCommand } from './digest.js';
import { embedCommand } from './embed.js';
import { harvestCommand } from './harvest.js';
import { importCommand } from './import.js';
import { outboxCommand } from './outbox.js';
import { searchCommand } from './search.js';
import { serveCommand } from './serve.js';
import { similarCommand } from './similar.js';
import { statsCommand } from './stats.js';

const COMMANDS: readonly Command[] = [importCommand, harvestCommand, serveCommand, statsCommand, searchCommand, similarCommand, embedCommand, digestCommand, outboxCommand];

const USAGE = `usage: paperfeed <command> [options]

Follow research papers: ingest arXiv and Hugging Face, search, trending, digests and feeds.

Commands:
${COMMANDS.map((command) => `  ${command.name.padEnd(10)} ${command.summary}`).join('\n')}

Run "paperfeed <command> --help" for a command's options.`;

const processIo: Io = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  isTty: process.stderr.isTTY === true,
};

/**
 * The CLI edge: finds the command, runs it, and maps errors to a message and an exit code
 * (see the README). Only unexpected errors print a stack.
 */
export async function main(args: string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = args;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(USAGE);
    return name ? 0 : 2;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    io.err(`paperfeed: unknown command "${name}"\n\n${USAGE}`);
    return exitCodeOf.usage;
  }
  try {
    const parsed = parseCommandArgs(command, rest);
    if (parsed.values.help === true) {
      io.out(command.usage);
      return 0;
    }
    return await command.run(parsed, io);
  } catch (error) {
    if (error instanceof PaperfeedError) {
      io.err(`paperfeed ${command.name}: ${error.message}`);
      return exitCodeOf[error.code];
    }
    io.err(`paperfeed ${command.name}: internal error: ${(error as Error).stack ?? String(error)}`);
    return exitCodeOf.internal;
  }
}
