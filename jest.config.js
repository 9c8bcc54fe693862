// One jest config, ten projects. The fast suite (`make test`: unit, service, infra) deploys nothing; `make unit`
// runs the pure ones alone (unit, infra: no emulator, seconds); e2e, aws-safety, dev and integration deploy for real and are run by
// their own make targets (compose too: it needs Docker Compose).
// ts-jest 29.4 transpiles each file on its own (tsconfig's isolatedModules; no type check here, `make check` runs
// tsc). Under module nodenext a .ts file of this package (no "type": "module") compiles to CommonJS, as jest needs.
const tsJest = { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] };
// puppeteer-core (integration/support/browser.ts) and the packages it loads ship ES modules only, which jest's CommonJS
// runtime cannot require: ts-jest turns them into CommonJS too, for the projects that drive a browser.
const esmOnlyPackages = ['puppeteer-core', 'chromium-bidi', '@puppeteer/browsers'];
const withBrowser = {
  transform: { ...tsJest, '^.+\\.js$': ['ts-jest', { diagnostics: false, tsconfig: { allowJs: true, module: 'commonjs' } }] },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnlyPackages.join('|')})/)`],
};
const project = (name, testMatch, extra = {}) => ({
  displayName: name,
  testEnvironment: 'node',
  transform: tsJest,
  testMatch,
  ...extra,
});

// Tests that need no server: the pure core, its property tests, helpers, the docs-truth checks. A new test file lands in
// the MiniStack-backed `service` project unless it is listed here.
const pureTests = [
  'service/src/config.test.ts',
  'service/src/customer.test.ts',
  'service/src/customer.property.test.ts',
  'service/src/errors.test.ts',
  'service/src/request.test.ts',
  'service/src/location.test.ts',
  'service/src/router.test.ts',
  'service/src/routes.test.ts',
  'service/src/lru-cache.test.ts',
  'service/request-schemas.test.ts',
  'service/openapi.test.ts',
  'scripts/lib/concurrency-pool.test.ts',
  'scripts/lib/free-port.test.ts',
  'scripts/lib/state-passphrase.test.ts',
  'scripts/docs-truth/docs.test.ts',
  'scripts/docs-truth/env-reads.test.ts',
  'scripts/docs-truth/markdown.test.ts',
  'scripts/lib/plan-summary.test.ts',
  'scripts/readme-routes.test.ts',
  'scripts/dev/log-format.test.ts',
  'scripts/dev/source-watcher.test.ts',
  'scripts/dev/function-pushes.test.ts',
  'scripts/data/newest-items.test.ts',
  'scripts/data/seed-customers.test.ts',
  'scripts/dev/debug/relay-address.test.ts',
  'scripts/dev/debug/relay.test.ts',
  'scripts/dev/debug/launch-json.test.ts',
];

module.exports = {
  projects: [
    project('unit', pureTests.map((file) => `<rootDir>/${file}`)),
    // The tests that talk to DynamoDB share one MiniStack (DynamoDB only) per run; `make test` installs it first.
    project('service', ['<rootDir>/service/**/*.test.ts', '<rootDir>/scripts/**/*.test.ts', ...pureTests.map((file) => `!**/${file}`)], {
      globalSetup: '<rootDir>/service/test-support/global-setup.ts',
      globalTeardown: '<rootDir>/service/test-support/global-teardown.ts',
    }),
    project('infra', ['<rootDir>/infra/**/*.test.ts']),
    // The deployed stack end to end, and the proof that the emulator's IAM engine refuses a role missing an action.
    project('e2e', ['<rootDir>/integration/e2e.test.ts', '<rootDir>/integration/iam-enforced.test.ts']),
    project('integration', ['<rootDir>/integration/testcontainers.test.ts']),
    // `make fuzz`: schemathesis against the deployed API (deploys).
    project('fuzz', ['<rootDir>/integration/fuzz.test.ts']),
    // `make browser-test`: hostile web pages in headless Chromium against the emulator as the kit starts it.
    project('browser', ['<rootDir>/integration/browser-attacks.test.ts'], withBrowser),
    // The compose path end to end (make deploy, the README call, make dev, through the tools container), how the
    // tools container is stopped (scripts/lib/compose-run.sh) and the LocalStack wiring: needs Docker Compose.
    project('compose', ['<rootDir>/integration/compose.test.ts', '<rootDir>/integration/compose-dev.test.ts', '<rootDir>/integration/compose-run.test.ts', '<rootDir>/integration/localstack-wiring.test.ts']),
    // Secrets at rest after a local deploy, the aws profile's settings rehearsed on the host emulator, the same
    // profile deployed as the deployer role on MiniStack enforcing IAM (every escalation refused), and the bootstrap.
    project('aws-safety', ['<rootDir>/integration/state-at-rest.test.ts', '<rootDir>/integration/aws-rehearsal.test.ts',
      '<rootDir>/integration/deployer-role.test.ts', '<rootDir>/integration/bootstrap.test.ts']),
    // `make dev-test`: the dev loop end to end on MiniStack in a temporary copy of the repository, debug mode, the
    // console (in headless Chromium), items and seed (deploys).
    project('dev', ['<rootDir>/integration/dev-loop.test.ts', '<rootDir>/integration/data-tools.test.ts', '<rootDir>/integration/debug-loop.test.ts'], withBrowser),
  ],
};
