import { loadConfig } from './config';

describe('loadConfig', () => {
  it('reads the table name from DB_NAME', () => {
    expect(loadConfig({ DB_NAME: 'DA_Serverless' })).toEqual({ tableName: 'DA_Serverless' });
  });

  it.each([
    ['missing', {}],
    ['empty', { DB_NAME: '' }],
    ['blank', { DB_NAME: '   ' }],
  ])('fails when DB_NAME is %s', (_case, env) => {
    expect(() => loadConfig(env)).toThrow('Missing required environment variable DB_NAME');
  });
});
