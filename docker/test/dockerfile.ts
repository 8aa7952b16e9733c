import { readFileSync } from 'node:fs';

/**
 * Just enough of the Dockerfile grammar for the instructions docker/*.Dockerfile use, so tests can
 * check them and replay the build without a Docker engine.
 */
export interface Instruction {
  readonly keyword: string;
  /** Leading `--name=value` options (`--from`, `--mount`, `--interval`, ...). */
  readonly flags: Readonly<Record<string, string>>;
  /** What follows the keyword and its flags, continuation lines joined. */
  readonly args: string;
  /** The exec form (`["node", "dist/main.js"]`), when the arguments are a JSON array. */
  readonly exec?: readonly string[];
}

export interface Stage {
  readonly name: string;
  /** An image reference or the name of an earlier stage, with global ARGs substituted. */
  readonly from: string;
  readonly instructions: readonly Instruction[];
}

export interface Dockerfile {
  readonly globalArgs: Readonly<Record<string, string>>;
  readonly stages: readonly Stage[];
}

export function readDockerfile(path: string | URL): Dockerfile {
  return parseDockerfile(readFileSync(path, 'utf8'));
}

export function parseDockerfile(text: string): Dockerfile {
  const globalArgs: Record<string, string> = {};
  const stages: { name: string; from: string; instructions: Instruction[] }[] = [];
  for (const line of logicalLines(text)) {
    const instruction = parseInstruction(line);
    const stage = stages.at(-1);
    if (instruction.keyword === 'FROM') {
      const [image = '', as, name] = instruction.args.split(/\s+/);
      const from = substitute(image, globalArgs);
      stages.push({
        name: as?.toUpperCase() === 'AS' && name ? name : String(stages.length),
        from,
        instructions: [],
      });
    } else if (stage) {
      stage.instructions.push(instruction);
    } else if (instruction.keyword === 'ARG') {
      Object.assign(globalArgs, parseAssignments(instruction.args));
    } else {
      throw new Error(`${instruction.keyword} before the first FROM`);
    }
  }
  return { globalArgs, stages };
}

export function findStage(dockerfile: Dockerfile, name: string): Stage {
  const stage = dockerfile.stages.find((s) => s.name === name);
  if (!stage) throw new Error(`no stage ${name}; stages: ${dockerfile.stages.map((s) => s.name).join(', ')}`);
  return stage;
}

/** `${NAME}` and `$NAME` replaced from `vars`; unknown names are left alone, as Docker leaves them empty. */
export function substitute(text: string, vars: Readonly<Record<string, string>>): string {
  return text.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, braced?: string, bare?: string) => {
    const name = braced ?? bare ?? '';
    return vars[name] ?? whole;
  });
}

/** `A=1 B="two words"` (ENV, ARG) as a record; an ARG without a default maps to ''. */
export function parseAssignments(args: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const match of args.matchAll(/(\w+)(?:=("(?:[^"\\]|\\.)*"|\S*))?/g)) {
    const [, name = '', raw = ''] = match;
    result[name] = raw.startsWith('"') ? (JSON.parse(raw) as string) : raw;
  }
  return result;
}

/**
 * Lines with their backslash continuations joined. Comment lines are dropped even inside a
 * continuation, as BuildKit does, so a commented-out line in a long RUN does not end it.
 */
function logicalLines(text: string): string[] {
  const lines: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    lines.push(pending + line);
    pending = '';
  }
  if (pending) lines.push(pending.trim());
  return lines;
}

function parseInstruction(line: string): Instruction {
  const [, keyword = '', rest = ''] = /^(\S+)\s*([\s\S]*)$/.exec(line) ?? [];
  let args = rest;
  const flags: Record<string, string> = {};
  for (let flag = /^--([\w-]+)=(\S+)\s*/.exec(args); flag; flag = /^--([\w-]+)=(\S+)\s*/.exec(args)) {
    flags[flag[1] as string] = flag[2] as string;
    args = args.slice(flag[0].length);
  }
  const upper = keyword.toUpperCase();
  // HEALTHCHECK [options] CMD <command>: the options were taken above, the command is the rest.
  if (upper === 'HEALTHCHECK' && args.startsWith('CMD ')) args = args.slice(4).trim();
  const exec = args.startsWith('[') ? (JSON.parse(args) as string[]) : undefined;
  return exec ? { keyword: upper, flags, args, exec } : { keyword: upper, flags, args };
}
