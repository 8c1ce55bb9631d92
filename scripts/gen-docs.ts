// Writes docs/CONFIGURATION.md and docs/CLI.md from the parameter table and the command table.
// `--check` fails when the committed files differ (the test suite runs it).

import { readFileSync, writeFileSync } from 'node:fs';
import { PARAMS, envName } from '../src/config/params.js';
import { CHAINS } from '../src/chains/index.js';
import { COMMANDS } from '../src/cli/commands.js';

const env = { role: 'daemon' as const, home: '~', systemResolvers: [], stored: {}, chain: 'base-mainnet' };

export function configurationDoc(): string {
  const rows = PARAMS.map((p) => {
    const dflt = p.defaultValue?.(env) ?? '';
    const required = p.requiredIn ? ['standard', 'originate-only', 'consume-only', 'zero-hop'].filter((m) => p.requiredIn?.(m as never)).join(', ') : '';
    return `| \`${p.name}\` | \`${envName(p.name)}\` | ${p.help.replace(/\|/g, '\\|')} | ${dflt ? `\`${dflt.replace(/\|/g, '\\|')}\`` : ''} | ${required} |${p.secret ? ' secret' : ''}${p.nodeOnly ? ' Node command line only' : ''}${p.rootOnly ? ' root only: config.toml or the environment, not masq setup' : ''} |`;
  });
  return `# Configuration reference

Generated from \`src/config/params.ts\` by \`scripts/gen-docs.ts\`; do not edit by hand.

Every parameter can be given, from highest to lowest priority, with \`masq setup --<name> <value>\` (status **Set**),
as an environment variable of the Daemon (status **Configured**), in \`config.toml\` (status **Configured**), or left
to its default (status **Default**). A parameter without a value shows **Required** when the chosen
\`neighborhood-mode\` needs it and **Blank** otherwise. \`config.toml\` lives in the data directory unless
\`config-file\` names an absolute path, and holds flat \`name = value\` lines (strings, numbers or booleans).
Secrets are shown as \`*\` in setup output and never logged; prefer the environment or \`masq setup\` for them.

| name | environment | meaning | default | required in | notes |
|---|---|---|---|---|---|
${rows.join('\n')}

Defaults shown for \`data-directory\` use \`~\` for the real user's home; \`dns-servers\` defaults, in the Daemon, to the
system's resolvers unless one is a loopback address (then, as in the Node, \`1.1.1.1\`).

## Chains

| chain | chain id | token contract | mainnet |
|---|---|---|---|
${CHAINS.map((c) => `| \`${c.name}\` | ${c.chainId} | \`${c.tokenContract}\` | ${c.mainnet ? 'yes' : 'no'} |`).join('\n')}
`;
}

export function cliDoc(): string {
  return `# masq command reference

Generated from \`src/cli/commands.ts\` by \`scripts/gen-docs.ts\`; do not edit by hand.

\`masq [--ui-port <port>] [<command> [<arguments>]]\` runs one command and exits (0 on success, 1 on failure);
without a command it runs interactively at the \`masq> \` prompt, with history (lines holding passwords are not
saved) and broadcasts from the Daemon and Node printed as they arrive. \`--ui-port\` is the Daemon's port (5333).

| command | usage | what it does |
|---|---|---|
${COMMANDS.map((c) => `| \`${c.name}\` | \`masq ${c.usage.replace(/\|/g, '\\|')}\` | ${c.help} |`).join('\n')}
`;
}

const files: Array<[string, string]> = [['docs/CONFIGURATION.md', configurationDoc()], ['docs/CLI.md', cliDoc()]];
if (process.argv.includes('--check')) {
  const stale = files.filter(([path, text]) => {
    try {
      return readFileSync(path, 'utf8') !== text;
    } catch {
      return true;
    }
  });
  if (stale.length > 0) {
    process.stderr.write(`Out of date: ${stale.map(([p]) => p).join(', ')}. Run: node --import tsx scripts/gen-docs.ts\n`);
    process.exit(1);
  }
} else if (process.argv[1]?.endsWith('gen-docs.ts')) {
  for (const [path, text] of files) writeFileSync(path, text);
}
