#!/usr/bin/env node
// membrane-upgrade-check: a consumer's CI compares the template it last deployed with the one it is about to deploy,
// with the CDK CLI's template diff, and fails when a stateful resource would be replaced or removed without a note.
import { existsSync, readdirSync, readFileSync, statSync } from 'fs';
import { basename, join } from 'path';
import { MissingDiffLibraryError, Template } from './compare';
import { markdownListItems, MigrationNote } from './notes';
import { checkUpgrade, formatReport, StackTemplates } from './report';

export const USAGE = `Usage: membrane-upgrade-check --old <template or directory> --new <template or directory> [--notes <file.md>]...

  --old    the template last deployed: \`aws cloudformation get-template --stack-name <stack> --query TemplateBody\` saved
           as JSON (the whole get-template answer works too), or a directory of <stack>.template.json files
  --new    the template about to be deployed (cdk.out/<stack>.template.json), or a directory (cdk.out)
  --notes  a Markdown file of migration notes: a list item that names a resource (logical id or construct path)
           and says how to migrate it lets its replacement or removal pass

Lists every resource the new template replaces or removes, and exits with 1 when a stateful one (bucket, cache,
secret, KMS key, backup vault or plan, log group, Atlas project or cluster, Elastic IP, Service Connect namespace)
has no note; 2 on bad input.`;

const HOW_TO_ADD_NOTE = 'If the replacement is intended, write down how you migrate it: a list item in a --notes file naming the '
  + 'logical id or construct path and saying how to migrate (the word "migrate" or "migration"). If it is not intended, '
  + 'find the change that causes it (a renamed construct id, a changed property) before deploying.';

/** Input the command cannot use: exit code 2 with the message. */
export class UsageError extends Error {}

/** A template file: the template JSON itself, or the whole `aws cloudformation get-template` answer. */
export function readTemplate(file: string): Template {
  let parsed: { TemplateBody?: unknown; Resources?: unknown };
  try {
    parsed = JSON.parse(readFileSync(file, 'utf-8'));
  } catch (e) {
    throw new UsageError(`${file}: not a JSON template (${(e as Error).message})`);
  }
  if (parsed && parsed.TemplateBody !== undefined) {
    const body = parsed.TemplateBody;
    if (typeof body !== 'string') {
      parsed = body as typeof parsed;
    } else {
      try {
        parsed = JSON.parse(body);
      } catch {
        throw new UsageError(`${file}: the TemplateBody is not JSON (a YAML template?); CDK deploys JSON templates`);
      }
    }
  }
  if (!parsed || typeof parsed.Resources !== 'object') throw new UsageError(`${file}: not a CloudFormation template (no Resources)`);
  return parsed as Template;
}

/** The templates of a directory (`<stack>.template.json`, as in cdk.out) or of one file, by stack name. */
function readTemplates(path: string): Map<string, Template> {
  if (!existsSync(path)) throw new UsageError(`${path}: no such file or directory`);
  if (!statSync(path).isDirectory()) return new Map([[basename(path).replace(/(\.template)?\.json$/, ''), readTemplate(path)]]);
  const files = readdirSync(path).filter(f => f.endsWith('.template.json')).sort();
  if (!files.length) throw new UsageError(`${path}: no <stack>.template.json file`);
  return new Map(files.map(f => [f.replace(/\.template\.json$/, ''), readTemplate(join(path, f))]));
}

/**
 * Pairs the old and new templates: two files are one stack (named after the new file), two directories pair their
 * files by stack name.
 */
export function pairTemplates(oldPath: string, newPath: string): StackTemplates[] {
  const olds = readTemplates(oldPath);
  const news = readTemplates(newPath);
  const directories = statSync(oldPath).isDirectory() || statSync(newPath).isDirectory();
  if (!directories) {
    return [{ stack: [...news.keys()][0], oldTemplate: [...olds.values()][0], newTemplate: [...news.values()][0] }];
  }
  if (!statSync(oldPath).isDirectory() || !statSync(newPath).isDirectory()) {
    throw new UsageError('--old and --new must both be files or both be directories');
  }
  const stacks = [...new Set([...olds.keys(), ...news.keys()])].sort();
  return stacks.map(stack => ({ stack, oldTemplate: olds.get(stack), newTemplate: news.get(stack) }));
}

function parseArgs(argv: readonly string[]): { old: string; new: string; notes: string[] } {
  const values: Record<string, string[]> = { '--old': [], '--new': [], '--notes': [] };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    if (!(flag in values)) throw new UsageError(`unknown argument '${argv[i]}'`);
    const value = inline ?? argv[++i];
    if (value === undefined || value === '') throw new UsageError(`${flag} needs a value`);
    values[flag].push(value);
  }
  for (const flag of ['--old', '--new']) {
    if (values[flag].length !== 1) throw new UsageError(`give ${flag} once`);
  }
  return { old: values['--old'][0], new: values['--new'][0], notes: values['--notes'] };
}

/** Runs the command; returns the exit code (0 passed, 1 a stateful resource without a note, 2 bad input). */
export function main(argv: readonly string[], write: (text: string) => void = text => process.stdout.write(text)): number {
  if (argv.includes('--help') || argv.includes('-h')) {
    write(`${USAGE}\n`);
    return 0;
  }
  try {
    const args = parseArgs(argv);
    const notes: MigrationNote[] = args.notes.flatMap(file => {
      if (!existsSync(file)) throw new UsageError(`${file}: no such notes file`);
      return markdownListItems(readFileSync(file, 'utf-8'), file);
    });
    const result = checkUpgrade(pairTemplates(args.old, args.new), notes);
    write(`${formatReport(result, HOW_TO_ADD_NOTE)}\n`);
    return result.uncovered.length ? 1 : 0;
  } catch (e) {
    if (e instanceof MissingDiffLibraryError) write(`${e.message}\n`);
    else if (e instanceof UsageError) write(`membrane-upgrade-check: ${e.message}\n\n${USAGE}\n`);
    else throw e;
    return 2;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
