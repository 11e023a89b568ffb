import { parseArgs, type ParseArgsConfig } from 'node:util';
import { PaperfeedError } from '../errors.js';

/** Where a command writes: stdout for results, stderr for progress and diagnostics. */
export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  /** True when stderr is a terminal, so progress can redraw a bar. */
  isTty: boolean;
}

/** One CLI command: its help text and what it does. `run` returns the exit code. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(parsed: ParsedArgs, io: Io): Promise<number>;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** Options every command takes. */
export const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  db: { type: 'string' },
} as const;

/** Parses a command's arguments; unknown or malformed options are usage errors naming the option. */
export function parseCommandArgs(command: Command, args: string[]): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({
      args,
      options: { ...COMMON_OPTIONS, ...command.options },
      allowPositionals: true,
      strict: true,
    });
    return { values: values as ParsedArgs['values'], positionals };
  } catch (error) {
    throw new PaperfeedError('usage', `${(error as Error).message}\n\n${command.usage}`);
  }
}

/** Reads a string option, or undefined. */
export function stringOption(parsed: ParsedArgs, name: string): string | undefined {
  const value = parsed.values[name];
  return typeof value === 'string' ? value : undefined;
}

/** Reads a positive integer option, or the default; anything else is a usage error naming the option. */
export function intOption(parsed: ParsedArgs, name: string, fallback: number, range: [number, number] = [1, 1_000_000]): number {
  const raw = stringOption(parsed, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < range[0] || value > range[1]) {
    throw new PaperfeedError('usage', `--${name}: "${raw}" is not a whole number from ${range[0]} to ${range[1]}`);
  }
  return value;
}
