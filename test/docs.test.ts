import { existsSync, readdirSync, readFileSync } from 'fs';
import { dirname, join, relative } from 'path';
import * as ts from 'typescript';

// Every TypeScript block (```ts or ```typescript) of README.md and docs/*.md type-checks against the library's source,
// strict, in one program. A block that imports is a file a reader pastes: it must import all it uses. A block without
// imports continues the text around it and gets the usual imports below. Both may use the declared names below (the
// app, the stack, the resources the text says you bring) without declaring them; a name a block declares or imports
// itself replaces the entry. Blocks that are not code to paste (output, partial syntax) use another language tag.

const root = join(__dirname, '..');
const LIBRARY = '@org/membrane-cdk';

/** The imports of a block without imports, by the name each binds. */
const IMPORTS: Record<string, string> = {
  App: "import { App } from 'aws-cdk-lib';",
  RemovalPolicy: "import { RemovalPolicy } from 'aws-cdk-lib';",
  Stack: "import { Stack } from 'aws-cdk-lib';",
  acm: "import * as acm from 'aws-cdk-lib/aws-certificatemanager';",
  ec2: "import * as ec2 from 'aws-cdk-lib/aws-ec2';",
  ecs: "import * as ecs from 'aws-cdk-lib/aws-ecs';",
  kms: "import * as kms from 'aws-cdk-lib/aws-kms';",
  route53: "import * as route53 from 'aws-cdk-lib/aws-route53';",
  s3: "import * as s3 from 'aws-cdk-lib/aws-s3';",
  secretsmanager: "import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';",
  sns: "import * as sns from 'aws-cdk-lib/aws-sns';",
  Membrane: `import { Membrane } from '${LIBRARY}';`,
  MembraneAuth: `import { MembraneAuth } from '${LIBRARY}';`,
  MembraneAutoscaling: `import { MembraneAutoscaling } from '${LIBRARY}';`,
  MembraneBackup: `import { MembraneBackup } from '${LIBRARY}';`,
  MembraneBucketBackup: `import { MembraneBucketBackup } from '${LIBRARY}';`,
  MembraneCache: `import { MembraneCache } from '${LIBRARY}';`,
  MembraneChecks: `import { MembraneChecks } from '${LIBRARY}';`,
  MembraneExposure: `import { MembraneExposure } from '${LIBRARY}';`,
  MembraneFirewall: `import { MembraneFirewall } from '${LIBRARY}';`,
  MembraneFirewallMode: `import { MembraneFirewallMode } from '${LIBRARY}';`,
  MembraneMongo: `import { MembraneMongo } from '${LIBRARY}';`,
  MembraneStorage: `import { MembraneStorage } from '${LIBRARY}';`,
  MembraneVersion: `import { MembraneVersion } from '${LIBRARY}';`,
};

/** What every block may use undeclared: the app and stack of the text, and the resources it says you bring. */
const DECLARATIONS: Record<string, string> = {
  app: "declare const app: import('aws-cdk-lib').App;",
  stack: "declare const stack: import('aws-cdk-lib').Stack;",
  /** Your own stack class (snapshot testing). */
  MyMembraneStack: "declare const MyMembraneStack: typeof import('aws-cdk-lib').Stack;",
  /** The props of Usage's `new Membrane(...)`. */
  required: `declare const required: import('${LIBRARY}').MembraneProps;`,
  vpc: "declare const vpc: import('aws-cdk-lib/aws-ec2').IVpc;",
  tmpBucket: "declare const tmpBucket: import('aws-cdk-lib/aws-s3').IBucket;",
  connectorsBucket: "declare const connectorsBucket: import('aws-cdk-lib/aws-s3').IBucket;",
  staticBucket: "declare const staticBucket: import('aws-cdk-lib/aws-s3').IBucket;",
  logsBucket: "declare const logsBucket: import('aws-cdk-lib/aws-s3').IBucket;",
  cacheSecurityGroup: "declare const cacheSecurityGroup: import('aws-cdk-lib/aws-ec2').ISecurityGroup;",
  connectionSecret: "declare const connectionSecret: import('aws-cdk-lib/aws-secretsmanager').ISecret;",
};

interface Block {
  readonly file: string;
  /** Line of the block's first code line in the file (1-based). */
  readonly line: number;
  readonly code: string;
}

function blocks(file: string): Block[] {
  const lines = readFileSync(file, 'utf-8').split('\n');
  const found: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i])) continue;
    const end = lines.findIndex((line, j) => j > i && line.startsWith('```'));
    found.push({ file: relative(root, file), line: i + 2, code: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  return found;
}

/** The names a block binds at its top level (imports and declarations), and whether it imports. */
function boundNames(code: string): { names: Set<string>; imports: boolean } {
  const names = new Set<string>();
  let imports = false;
  const source = ts.createSourceFile('block.ts', code, ts.ScriptTarget.ES2022);
  const bindingNames = (name: ts.BindingName) => {
    if (ts.isIdentifier(name)) names.add(name.text);
    else name.elements.forEach(element => { if (!ts.isOmittedExpression(element)) bindingNames(element.name); });
  };
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) imports = true;
    if (ts.isImportDeclaration(statement) && statement.importClause) {
      const clause = statement.importClause;
      if (clause.name) names.add(clause.name.text);
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) names.add(bindings.name.text);
      if (bindings && ts.isNamedImports(bindings)) bindings.elements.forEach(element => names.add(element.name.text));
    } else if (ts.isVariableStatement(statement)) {
      statement.declarationList.declarations.forEach(declaration => bindingNames(declaration.name));
    } else if ((ts.isClassDeclaration(statement) || ts.isFunctionDeclaration(statement) || ts.isInterfaceDeclaration(statement)) && statement.name) {
      names.add(statement.name.text);
    }
  }
  return { names, imports };
}

/** The file checked for a block: the prelude lines it does not replace, then the block, as a module of its own. */
function snippetSource(block: Block): { text: string; preludeLines: number } {
  const { names, imports } = boundNames(block.code);
  const prelude = Object.entries({ ...(imports ? {} : IMPORTS), ...DECLARATIONS })
    .filter(([name]) => !names.has(name)).map(([, line]) => line);
  prelude.push('export {};');
  return { text: `${prelude.join('\n')}\n${block.code}\n`, preludeLines: prelude.length };
}

const docs = readdirSync(join(root, 'docs')).filter(name => name.endsWith('.md')).map(name => join(root, 'docs', name));
const files = [join(root, 'README.md'), ...docs];
const all = files.flatMap(blocks);

describe('documentation snippets', () => {
  test('README.md has TypeScript blocks to check', () => {
    expect(all.filter(block => block.file === 'README.md').length).toBeGreaterThanOrEqual(5);
  });

  // Parsing and binding aws-cdk-lib's declarations takes most of the time (about 6 s of CPU).
  test('every TypeScript block compiles against the library', () => {
    const snippets = new Map(all.map((block, i) => {
      const path = join(root, '.docs-snippets', `${i}-${block.file.replace(/\W/g, '_')}-${block.line}.ts`);
      return [path, { block, ...snippetSource(block) }];
    }));
    const config = ts.parseJsonConfigFileContent({
      extends: './tsconfig.json',
      compilerOptions: {
        noEmit: true,
        rootDir: '.',
        // Fragments: a prelude import a block does not use is fine.
        noUnusedLocals: false,
        noUnusedParameters: false,
        paths: { [LIBRARY]: ['./lib/index.ts'] },
      },
      files: [],
    }, ts.sys, root);
    const host = ts.createCompilerHost(config.options);
    const getSourceFile = host.getSourceFile;
    host.getSourceFile = (fileName, languageVersion, ...rest) => {
      const snippet = snippets.get(fileName);
      return snippet ? ts.createSourceFile(fileName, snippet.text, languageVersion, true) : getSourceFile(fileName, languageVersion, ...rest);
    };
    const fileExists = host.fileExists;
    host.fileExists = fileName => snippets.has(fileName) || fileExists(fileName);
    const program = ts.createProgram([...snippets.keys()], config.options, host);

    const failures: string[] = [];
    for (const [path, { block, preludeLines }] of snippets) {
      const source = program.getSourceFile(path)!;
      for (const diagnostic of [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]) {
        const { line } = source.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
        const where = line < preludeLines ? `${block.file}:${block.line} (prelude: ${source.text.split('\n')[line]})`
          : `${block.file}:${block.line + line - preludeLines}`;
        failures.push(`${where}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`);
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);
});

// README.md is the short page; the rest lives in docs/ and is reached by links. A moved section, a renamed heading or a
// moved file must not leave a link or a path that leads nowhere.
const pages = [...files, join(root, 'CONTRIBUTING.md')];

/** The text of a Markdown file outside its fenced code blocks. */
function prose(file: string): string {
  return readFileSync(file, 'utf-8').split(/^```.*$/m).filter((_, i) => i % 2 === 0).join('\n');
}

/** The anchors a Markdown file has: GitHub's slugs of its headings, and the ids of its HTML anchors (API.md). */
function anchors(file: string): Set<string> {
  const found = new Set<string>();
  const text = prose(file);
  for (const [, heading] of text.matchAll(/^#{1,6} +(.+?) *#*$/gm)) {
    const base = heading.replace(/<[^>]+>/g, '').trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');
    let slug = base;
    for (let n = 1; found.has(slug); n++) slug = `${base}-${n}`;
    found.add(slug);
  }
  for (const [, id] of text.matchAll(/ id="([^"]+)"/g)) found.add(id);
  return found;
}

describe('documentation links', () => {
  test('README.md is a short page', () => {
    expect(readFileSync(join(root, 'README.md'), 'utf-8').split('\n').length).toBeLessThanOrEqual(250);
  });

  test('every relative link leads to a file, and its #anchor to a heading of it', () => {
    const broken: string[] = [];
    for (const page of pages) {
      for (const [, target] of prose(page).matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target)) continue;
        const [path, anchor] = target.split('#');
        const file = path === '' ? page : join(dirname(page), path);
        if (!existsSync(file)) {
          broken.push(`${relative(root, page)}: ${target} (no such file)`);
        } else if (anchor !== undefined && file.endsWith('.md') && !anchors(file).has(decodeURIComponent(anchor))) {
          broken.push(`${relative(root, page)}: ${target} (no such heading)`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  test("CONTRIBUTING's layout names every folder of lib/", () => {
    const contributing = prose(join(root, 'CONTRIBUTING.md'));
    const folders = readdirSync(join(root, 'lib'), { withFileTypes: true }).filter(entry => entry.isDirectory()).map(entry => `lib/${entry.name}`);
    expect(folders.filter(folder => !contributing.includes(`\`${folder}\``))).toEqual([]);
  });

  test('every repository path the text names exists', () => {
    const missing: string[] = [];
    for (const page of pages) {
      for (const [, path] of prose(page).matchAll(/`((?:lib|bin|test|integ|bench|upgrade|docs|\.ci)\/[\w./-]*)`/g)) {
        if (!existsSync(join(root, path))) missing.push(`${relative(root, page)}: ${path}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
