/**
 * The rooms of the house and what each may import (docs/architecture.md). Run by `npm run lint`.
 * Type-only imports count (tsPreCompilationDeps): a type in the wrong file makes a circle just as well.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import circle: put the shared type in the file of its concept.',
      from: { path: '^(src|commands|config)/' },
      to: { circular: true },
    },
    {
      name: 'core-imports-only-core',
      severity: 'error',
      comment: 'src/core holds the numbers: it imports nothing of ours outside src/core, and no library.',
      from: { path: '^src/core/' },
      to: { pathNot: ['^src/core/'], dependencyTypesNot: ['core'] },
    },
    {
      name: 'replies-import-only-core-and-replies',
      severity: 'error',
      comment: 'src/replies words what the core computed: it imports src/core and itself, nothing else.',
      from: { path: '^src/replies/' },
      to: { pathNot: ['^src/(core|replies)/'], dependencyTypesNot: ['core'] },
    },
    {
      name: 'ccxt-only-in-feeds',
      severity: 'error',
      comment: 'ccxt lives only in src/feeds.',
      from: { pathNot: '^src/feeds/' },
      to: { path: 'node_modules/ccxt/' },
    },
    {
      name: 'discordjs-only-in-discord-adapter',
      severity: 'error',
      comment: 'discord.js lives only in src/adapters/discord.',
      from: { pathNot: '^src/adapters/discord/' },
      to: { path: 'node_modules/(discord\\.js|@discordjs/)' },
    },
    {
      name: 'telegraf-only-in-telegram-adapter',
      severity: 'error',
      comment: 'telegraf lives only in src/adapters/telegram.',
      from: { pathNot: '^src/adapters/telegram/' },
      to: { path: 'node_modules/telegraf/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
