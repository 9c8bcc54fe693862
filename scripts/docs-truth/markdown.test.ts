import { checkedTable, handTypedTestCounts, headingAnchors, localLinks, makeTargetsIn } from './markdown';

describe('reading the docs', () => {
  it('reads targets from inline code and fenced blocks, skipping variables, options and comments', () => {
    const markdown = [
      'Run `make deploy [ENV=local|aws]` or `API_KEY=x make clean ENV=aws`, then `make emulator-down emulator-up clean`.',
      '```sh',
      'make test        # the tests',
      'curl "$(make -s url)"',
      'make debug    # the same as make dev DEBUG=1; DEBUG_PORT=9230 for another port',
      'make items N=3; echo done',
      '```',
      'Not code: make believe. Placeholder: `make x` runs `make _x`.',
    ].join('\n');

    expect([...makeTargetsIn(markdown)].sort()).toEqual(['clean', 'debug', 'deploy', 'emulator-down', 'emulator-up', 'items', 'test', 'url']);
  });

  it("reads every backticked name in the first column of the table after a checked marker", () => {
    const markdown = [
      '<!-- checked: make help -->',
      '',
      '| target | does |',
      '| --- | --- |',
      '| `make url` / `make api-key` | prints |',
      '| `make clean` | a \\| b |',
      '',
      '| `make not-this` | x |',
    ].join('\n');

    expect(checkedTable(markdown, 'make help')).toEqual(['make url', 'make api-key', 'make clean']);
    expect(checkedTable(markdown, '.env.template')).toBeUndefined();
  });

  it("makes heading anchors as GitHub does, numbering repeats", () => {
    const markdown = [
      '# Customers API kit',
      '## Deploy to AWS',
      '### `make dev`: the loop',
      '## Deploy to AWS',
      '```',
      '# not a heading',
      '```',
    ].join('\n');

    expect([...headingAnchors(markdown)]).toEqual(['customers-api-kit', 'deploy-to-aws', 'make-dev-the-loop', 'deploy-to-aws-1']);
  });

  it('finds links to files and anchors, not URLs, nor links inside code', () => {
    const markdown = [
      'See [AWS](docs/aws.md#teardown), [up](#develop) and [site](https://example.com).',
      '`[x](not-a-link.md)`',
      '```',
      '[y](nor-this.md)',
      '```',
    ].join('\n');

    expect(localLinks(markdown)).toEqual([
      { target: 'docs/aws.md#teardown', line: 1 },
      { target: '#develop', line: 1 },
    ]);
  });

  it('finds test counts typed by hand, not other numbers', () => {
    expect(handTypedTestCounts('the unit tests (247 tests, 3.5 s); 1 test; 12 e2e tests; 428 requests; 3 attempts')).toEqual([
      '247 tests',
      '1 test',
      '12 e2e tests',
    ]);
  });
});
