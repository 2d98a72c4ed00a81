/** The layer rules of STYLE.md, checked by `npm test` (npm run lint:arch). */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'domain/ holds pure rules: it imports nothing outside domain/ (no node builtins, no packages).',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { pathNot: '^src/domain/' },
    },
    {
      name: 'ports-are-interfaces',
      comment: 'ports/ speak domain words only.',
      severity: 'error',
      from: { path: '^src/ports/' },
      to: { pathNot: '^src/(domain|ports)/' },
    },
    {
      name: 'use-cases-need-no-frameworks',
      comment: 'use-cases/ import domain/ and ports/ only.',
      severity: 'error',
      from: { path: '^src/use-cases/' },
      to: { pathNot: '^src/(domain|ports|use-cases)/' },
    },
    {
      name: 'bot-framework-stays-in-bot-and-teams-adapter',
      comment: 'botbuilder and teams-ai stay in src/bot/ and src/adapters/teams/ so a migration touches one folder.',
      severity: 'error',
      from: { pathNot: '^src/(bot|adapters/teams)/|^src/(app|server)\\.ts$' },
      to: { path: 'node_modules/(botbuilder|botframework-|@microsoft/teams-ai)' },
    },
    {
      name: 'pnp-only-in-sharepoint-adapter',
      severity: 'error',
      from: { pathNot: '^src/adapters/sharepoint/' },
      to: { path: 'node_modules/@pnp/' },
    },
    {
      name: 'adapters-are-not-imported-by-core',
      severity: 'error',
      from: { path: '^src/(domain|ports|use-cases|views|questionnaires)/' },
      to: { path: '^src/(adapters|bot)/' },
    },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
