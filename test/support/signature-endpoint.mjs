// A real HTTP endpoint for browser tests, served by the test runner's own server.
// POST /test-endpoint/<bucket>?status=201,503&body=<json>&delay=<ms>&retryAfter=<s>&location=<url>&type=<content type>
//   records the request, then answers with the next status of the list (the last one repeats),
//   with that Location (a redirect) and content type (an HTML page where JSON was expected).
// GET  /test-endpoint/<bucket> → records it and answers 200 with an HTML page, like a CMS catch-all.
// GET  /test-endpoint/<bucket>/received  → the requests recorded for that bucket.
// GET  /test-endpoint/<bucket>/count?n=<N>&token=<t> → {"count": N, "formToken": t} (a count-url).
// GET  /test-echo?body=<text>&type=<content type> → that body.
// GET  /test-hang/… → no answer at all, until the browser gives up (a server that never answers).
// GET  /test-big?size=<N> → a valid campaign document of about N characters.

const buckets = new Map();

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Koa middleware for @web/test-runner's server. */
export function signatureEndpoint() {
  return async function endpoint(ctx, next) {
    if (ctx.path === '/test-echo') {
      // Answers with `body` as given: campaign documents and locale files made up by a test.
      ctx.type = String(ctx.query.type ?? 'application/json');
      ctx.body = String(ctx.query.body ?? '');
      return;
    }
    if (ctx.path.startsWith('/test-hang')) {
      // Held until the browser closes the connection, so the test server is not kept waiting.
      await new Promise((resolve) => ctx.req.on('close', resolve));
      ctx.status = 204;
      return;
    }
    if (ctx.path === '/test-big') {
      ctx.type = 'application/json';
      ctx.body = JSON.stringify({ texts: { en: { title: 'Big' } }, padding: 'x'.repeat(Number(ctx.query.size ?? 0)) });
      return;
    }
    const match = /^\/test-endpoint\/([\w-]+)(\/received|\/count)?$/.exec(ctx.path);
    if (!match) return next();
    const [, name, action] = match;
    const bucket = buckets.get(name) ?? { requests: [] };
    buckets.set(name, bucket);
    if (action === '/received') {
      ctx.type = 'application/json';
      ctx.body = JSON.stringify(bucket.requests);
      return;
    }
    if (action === '/count') {
      ctx.type = 'application/json';
      // `token`: a form token, as the reference receiver's count carries one (README "Bots and floods").
      ctx.body = JSON.stringify({ count: Number(ctx.query.n ?? 0), ...(ctx.query.token && { formToken: String(ctx.query.token) }) });
      return;
    }
    if (ctx.method !== 'POST') {
      bucket.requests.push({ method: ctx.method, contentType: '', body: '', status: 200 });
      ctx.type = 'text/html';
      ctx.body = '<!doctype html><title>Page not found</title><p>Sorry, this page does not exist.</p>';
      return;
    }
    const body = await readBody(ctx.req);
    const statuses = String(ctx.query.status ?? '201').split(',').map(Number);
    const status = statuses[Math.min(bucket.requests.length, statuses.length - 1)];
    bucket.requests.push({ method: 'POST', contentType: ctx.get('content-type'), body, status });
    const delay = Number(ctx.query.delay ?? 0);
    if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
    if (ctx.query.retryAfter) ctx.set('Retry-After', String(ctx.query.retryAfter));
    if (ctx.query.location) ctx.set('Location', String(ctx.query.location));
    ctx.status = status;
    ctx.type = String(ctx.query.type ?? 'application/json');
    ctx.body = ctx.query.body ? String(ctx.query.body) : JSON.stringify({ ok: status < 300 });
  };
}
