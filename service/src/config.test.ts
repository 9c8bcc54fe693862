import { loadConfig } from './config';

const COMPLETE = {
  DB_NAME: 'DA_Serverless',
  EMAILS_TABLE_NAME: 'DA_Serverless_emails',
  IDEMPOTENCY_TABLE_NAME: 'DA_Serverless_idempotency',
};

describe('loadConfig', () => {
  it('reads the customers, email claims and idempotency tables from DB_NAME, EMAILS_ and IDEMPOTENCY_TABLE_NAME', () => {
    expect(loadConfig(COMPLETE)).toEqual({
      tables: { customers: 'DA_Serverless', emails: 'DA_Serverless_emails', idempotency: 'DA_Serverless_idempotency' },
    });
  });

  describe.each(Object.keys(COMPLETE))('%s', (name) => {
    it.each([
      ['missing', undefined],
      ['empty', ''],
      ['blank', '   '],
    ])('fails when it is %s', (_case, value) => {
      expect(() => loadConfig({ ...COMPLETE, [name]: value })).toThrow(`Missing required environment variable ${name}`);
    });
  });
});
