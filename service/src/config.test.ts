import { loadConfig } from './config';
import { createCustomerRoute } from './routes';
import { SAMPLE_READ_ROUTE } from '../test-support/routes';

const COMPLETE = {
  DB_NAME: 'DA_Serverless',
  EMAILS_TABLE_NAME: 'DA_Serverless_emails',
  IDEMPOTENCY_TABLE_NAME: 'DA_Serverless_idempotency',
};

describe('loadConfig', () => {
  it('reads the create route\'s customers, email claims and idempotency tables from DB_NAME, EMAILS_ and IDEMPOTENCY_TABLE_NAME', () => {
    expect(loadConfig(createCustomerRoute, COMPLETE)).toEqual({
      tables: { customers: 'DA_Serverless', emails: 'DA_Serverless_emails', idempotency: 'DA_Serverless_idempotency' },
    });
  });

  describe.each(Object.keys(COMPLETE))('%s', (name) => {
    it.each([
      ['missing', undefined],
      ['empty', ''],
      ['blank', '   '],
    ])('fails when it is %s', (_case, value) => {
      expect(() => loadConfig(createCustomerRoute, { ...COMPLETE, [name]: value })).toThrow(`Missing required environment variable ${name}`);
    });
  });

  it('reads only the tables a route declares: a route on the customers table alone needs DB_NAME alone', () => {
    expect(loadConfig(SAMPLE_READ_ROUTE, { DB_NAME: 'DA_Serverless' })).toEqual({ tables: { customers: 'DA_Serverless' } });
    expect(() => loadConfig(SAMPLE_READ_ROUTE, {})).toThrow('Missing required environment variable DB_NAME');
  });
});
