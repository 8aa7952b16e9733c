import autocannon from 'autocannon';

/**
 * Closed-loop GETs with autocannon: `connections` keep one request each in flight for `seconds`,
 * every request on the path `path()` gives (ids in rotation, not one hot key). A request's path
 * replaces the URL's whole path, so the URL's own prefix (/api/v1) goes in front.
 */
export function loadGets(url: string, connections: number, seconds: number, path: () => string) {
  const prefix = new URL(url).pathname.replace(/\/$/, '');
  return autocannon({
    url,
    connections,
    duration: seconds,
    requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: `${prefix}${path()}` }) }],
  });
}
