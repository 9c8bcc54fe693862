// One jest config, four projects: the fast suite (service + infra) deploys nothing;
// e2e and integration deploy for real and are run by their own make targets.
const tsJest = { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] };
const project = (name, testMatch, extra = {}) => ({
  displayName: name,
  testEnvironment: 'node',
  transform: tsJest,
  testMatch,
  ...extra,
});

module.exports = {
  projects: [
    // The service tests share one MiniStack (DynamoDB only) per run; `make test` installs it first.
    project('service', ['<rootDir>/service/**/*.test.ts'], {
      globalSetup: '<rootDir>/service/test-support/global-setup.ts',
      globalTeardown: '<rootDir>/service/test-support/global-teardown.ts',
    }),
    project('infra', ['<rootDir>/infra/**/*.test.ts']),
    project('e2e', ['<rootDir>/integration/e2e.test.ts']),
    project('integration', ['<rootDir>/integration/testcontainers.test.ts']),
    // `make dev-test`: the log formatter, then the dev loop end to end on the host emulator (deploys).
    project('dev', ['<rootDir>/scripts/dev/**/*.test.ts', '<rootDir>/integration/dev-loop.test.ts']),
  ],
};
