// One jest config, eight projects. The fast suite (`make test`: unit, service, infra) deploys nothing; `make unit`
// runs the pure ones alone (unit, infra: no emulator, seconds); e2e, aws-safety, dev and integration deploy for real and are run by
// their own make targets (compose too: it needs Docker Compose).
// ts-jest 29.4 transpiles each file on its own (tsconfig's isolatedModules; no type check here, `make check` runs
// tsc). Under module nodenext a .ts file of this package (no "type": "module") compiles to CommonJS, as jest needs.
const tsJest = { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] };
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
  'scripts/lib/concurrency-pool.test.ts',
  'scripts/lib/free-port.test.ts',
  'scripts/docs-truth/docs.test.ts',
  'scripts/docs-truth/env-reads.test.ts',
  'scripts/docs-truth/markdown.test.ts',
  'scripts/dev/log-format.test.ts',
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
    project('e2e', ['<rootDir>/integration/e2e.test.ts']),
    project('integration', ['<rootDir>/integration/testcontainers.test.ts']),
    // The compose path end to end (make deploy, the README call, make dev, through the tools container) and the
    // LocalStack wiring: needs Docker Compose.
    project('compose', ['<rootDir>/integration/compose.test.ts', '<rootDir>/integration/compose-dev.test.ts', '<rootDir>/integration/localstack-wiring.test.ts']),
    // Secrets at rest after a local deploy, and the aws profile's settings rehearsed on the host emulator.
    project('aws-safety', ['<rootDir>/integration/state-at-rest.test.ts', '<rootDir>/integration/aws-rehearsal.test.ts']),
    // `make dev-test`: the dev loop end to end on MiniStack in a temporary copy of the repository (deploys).
    project('dev', ['<rootDir>/integration/dev-loop.test.ts']),
  ],
};
