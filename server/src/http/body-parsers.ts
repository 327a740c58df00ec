/**
 * The two body formats of SPEC §4: JSON, parsed by our own parser for a precise reason on
 * malformed JSON and to refuse `__proto__` keys anywhere, and the form format (a CORS simple
 * request), kept as a `FormBody` until the signature route turns it into the JSON shape.
 * text/plain and every other type get 415.
 */
import type { FastifyError } from 'fastify';
import fp from 'fastify-plugin';
import { formToPayload, type FormConversion } from '../signature-form.ts';

/** Marks a body that arrived as a form, until `preValidation` turns it into the JSON shape. */
export class FormBody {
  readonly conversion: FormConversion;
  constructor(conversion: FormConversion) {
    this.conversion = conversion;
  }
}

class ForbiddenKeyError extends Error {}

/** An error the error handler answers as 400 with this code and message. */
function badRequest(code: string, message: string): FastifyError {
  return Object.assign(new Error(message), { statusCode: 400, code }) as FastifyError;
}

/**
 * Replaces Fastify's parsers. Wrapped in fastify-plugin on purpose: parsers set in a scope of
 * its own would hold only there, and every route must parse (and refuse) bodies alike.
 */
export const bodyParsers = fp(async (app) => {
  app.removeAllContentTypeParsers();
  // The reviver sees keys after unescaping, so "\u005f_proto__" is caught too.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string;
    if (text.trim() === '') return done(badRequest('malformed-json', 'The request body is empty; expected a JSON object.'));
    try {
      done(null, JSON.parse(text, (key, value: unknown) => {
        if (key === '__proto__') throw new ForbiddenKeyError();
        return value;
      }));
    } catch (error) {
      const reason = error instanceof ForbiddenKeyError
        ? 'The key "__proto__" is not allowed.'
        : `Malformed JSON: ${(error as Error).message}`;
      done(badRequest('malformed-json', reason));
    }
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, new FormBody(formToPayload(body as string)));
  });
}, { name: 'body-parsers' });
