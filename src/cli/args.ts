// A small, strict command-line parser: known flags only, clear messages for anything else.

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface FlagSpec {
  /** Takes a value (`--data file.csv` or `--data=file.csv`). */
  value?: boolean;
  /** May be given several times (values are collected in order). */
  repeat?: boolean;
}

export interface ParsedArgs {
  positionals: string[];
  values: Map<string, string[]>;
  switches: Set<string>;
}

export function parseArgs(argv: readonly string[], spec: Readonly<Record<string, FlagSpec>>): ParsedArgs {
  const positionals: string[] = [];
  const values = new Map<string, string[]>();
  const switches = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '--') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const flag = spec[name];
    if (!flag) throw new UsageError(`Unknown option --${name}. Run "clozelab help" for the list of options.`);
    if (!flag.value) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value.`);
      switches.add(name);
      continue;
    }
    let value: string | undefined;
    if (eq >= 0) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value.`);
      i++;
    }
    const list = values.get(name) ?? [];
    if (list.length > 0 && !flag.repeat) throw new UsageError(`--${name} was given twice.`);
    list.push(value);
    values.set(name, list);
  }
  return { positionals, values, switches };
}

export function single(args: ParsedArgs, name: string): string | undefined {
  return args.values.get(name)?.[0];
}
