import type { APIGatewayProxyResult } from 'aws-lambda';

export interface ErrorBody {
  message: string;
  errors: { field: string; rule: string }[];
  requestId: string;
}

export const parseErrorBody = (result: APIGatewayProxyResult): ErrorBody => JSON.parse(result.body) as ErrorBody;

/** An error response exposes only message, errors and requestId: no stack, ARN or upstream message. */
export function expectNoInternals(result: APIGatewayProxyResult, ...upstreamTexts: string[]): void {
  expect(Object.keys(parseErrorBody(result)).sort()).toEqual(['errors', 'message', 'requestId']);
  expect(result.body).not.toMatch(/arn:aws|\bat .+:\d+:\d+|Exception|Error:/);
  for (const text of upstreamTexts) expect(result.body).not.toContain(text);
}
