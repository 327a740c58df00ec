/**
 * Contract with the widget: what src/steps/sending/payload.ts builds is accepted in both formats. Loaded
 * dynamically so the server's type-check does not pull in the browser sources; skipped if the
 * module is not there.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, csvRecords, getCsv, postForm, postJson, startServer, uniqueEmail, type TestServer } from './helpers.ts';

const PAYLOAD_MODULE = join(REPO_ROOT, 'src/steps/sending/payload.ts');
type WidgetPayloadModule = {
  buildPayload(input: Record<string, unknown>): Record<string, unknown>;
  toFormBody(payload: Record<string, unknown>): URLSearchParams;
};

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(async () => server.close());

test("the widget's own JSON and form payloads are accepted and stored alike", { skip: !existsSync(PAYLOAD_MODULE) && 'src/steps/sending/payload.ts not present' }, async () => {
  const widget = (await import(PAYLOAD_MODULE)) as WidgetPayloadModule;
  const input = (email: string) => ({
    id: randomUUID(),
    campaign: 'widget-contract',
    locale: 'fr',
    signer: { firstName: ' Aigerim ', lastName: 'N.', email, country: 'KZ', postcode: '', comment: 'Libérez-le' },
    consent: { updates: true, text: "J'accepte de recevoir des nouvelles." },
    message: { subject: 'Objet', body: 'Madame, Monsieur,\n\nLibérez Erlan Baltabay.' },
    pageUrl: 'https://example.org/appel?utm_source=whatsapp&utm_medium=share&utm_campaign=free-baltabay',
    referrer: 'https://chat.whatsapp.com/',
  });
  const json = widget.buildPayload(input(uniqueEmail()));
  const jsonResponse = await postJson(server.url, json);
  assert.equal(jsonResponse.status, 201, JSON.stringify(jsonResponse.body));
  const form = widget.toFormBody(widget.buildPayload(input(uniqueEmail())));
  const formResponse = await postForm(server.url, form);
  assert.equal(formResponse.status, 201, JSON.stringify(formResponse.body));

  const [fromJson, fromForm] = csvRecords((await getCsv(server.url, 'widget-contract')).text);
  for (const column of ['first_name', 'consent_updates', 'consent_text', 'message_body', 'source_url', 'referrer', 'utm_source', 'utm_medium', 'utm_campaign']) {
    assert.equal(fromForm?.[column], fromJson?.[column], column);
  }
  assert.equal(fromJson?.first_name, 'Aigerim');
  assert.equal(fromJson?.utm_source, 'whatsapp');
});
