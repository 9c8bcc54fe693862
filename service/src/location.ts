/**
 * A URI reference to `target` (a resource path such as `/customers/42`) relative to a request for `base` (the
 * route's resource path, with the request's trailing slash if it had one), per RFC 3986 §5.2. A client resolves it
 * against the URL it called, so it lands on the right API whatever comes before the resource path: the stage
 * (`/v1`), a custom domain's base path, or an emulator's prefix (`/_aws/execute-api/<id>/v1`,
 * `/restapis/<id>/v1/_user_request_`), none of which the function can know for sure.
 */
export function relativeReference(base: string, target: string): string {
  const baseDirectory = base.slice(0, base.lastIndexOf('/') + 1).split('/').filter(Boolean);
  const targetSegments = target.split('/').filter(Boolean);
  let shared = 0;
  while (shared < baseDirectory.length && shared < targetSegments.length - 1 && baseDirectory[shared] === targetSegments[shared]) shared++;
  const reference = [...baseDirectory.slice(shared).map(() => '..'), ...targetSegments.slice(shared)].join('/');
  // A first segment with a colon would read as a scheme; an empty reference would mean the base itself.
  return reference === '' || /^[^/]*:/.test(reference) ? `./${reference}` : reference;
}
