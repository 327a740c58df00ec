/** Pure rules of letter delivery: the delivery settings validator and the retry/window schedule. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isStrictAddress, parseDeliverySettings } from '../src/letters/delivery-settings.ts';
import {
  capFreesAt, FIRST_RETRY_MS, GIVE_UP_AFTER_MS, HOUR_MS, isInsideWindow, MAX_RETRY_MS, nextAttemptDelay, nextSendingTime, shouldGiveUp,
} from '../src/letters/retry-schedule.ts';

const target = { name: 'Prosecutor General', email: 'office@prosecutor.example' };

test('delivery settings: defaults', () => {
  assert.deepEqual(parseDeliverySettings(undefined), {
    ok: true, settings: { mode: 'off', targets: [], confirm: false, replyTo: 'none', test: false, hourlyCap: 30 },
  });
  const withTargets = parseDeliverySettings({ targets: [target] });
  assert.ok(withTargets.ok);
  assert.equal(withTargets.settings.mode, 'each');
  const window = parseDeliverySettings({ targets: [target], window: { timeZone: 'Asia/Almaty', start: '09:00', end: '18:00' } });
  assert.ok(window.ok);
  assert.deepEqual(window.settings.window?.days, [1, 2, 3, 4, 5]);
});

test('delivery settings: each problem is named by its key', () => {
  const result = parseDeliverySettings({
    mode: 'fax',
    targets: [
      { name: 'A', email: 'A <a@example.org>' },
      { name: 'B', email: 'b@example.org\r\nBcc: x@evil.example' },
      { name: 'C', email: 'c@example.org, d@example.org' },
      { name: '', email: 'ok@example.org' },
      { name: 'E', email: 'ok@example.org' },
      { name: 'Line\nbreak', email: 'f@example.org' },
    ],
    hourlyCap: 0,
    confirm: 'yes',
    replyTo: 'always',
    window: { timeZone: 'Mars/Olympus', start: '9:00', end: '25:00', days: [0, 8] },
    tagets: [],
  });
  assert.equal(result.ok, false);
  if (result.ok) return;
  for (const key of [
    'delivery.mode', 'delivery.targets[0].email', 'delivery.targets[1].email', 'delivery.targets[2].email',
    'delivery.targets[3].name', 'delivery.targets[4].email', 'delivery.targets[5].name', 'delivery.hourlyCap', 'delivery.confirm',
    'delivery.replyTo', 'delivery.window.timeZone', 'delivery.window.start', 'delivery.window.end', 'delivery.window.days', 'delivery.tagets',
  ]) assert.ok(result.errors[key], `expected an error for ${key}: ${JSON.stringify(result.errors)}`);
});

test('delivery settings: each/digest need targets; caps must be integers 1–10000; windows cannot be empty', () => {
  for (const mode of ['each', 'digest', 'mailto']) {
    const result = parseDeliverySettings({ mode, targets: [] });
    assert.equal(result.ok, false);
    if (!result.ok) assert.ok(result.errors['delivery.targets']);
  }
  for (const hourlyCap of [1.5, 10_001, '30', -1]) {
    const result = parseDeliverySettings({ targets: [target], hourlyCap });
    assert.equal(result.ok, false, String(hourlyCap));
  }
  assert.ok(parseDeliverySettings({ targets: [target], hourlyCap: 10_000 }).ok);
  const backwards = parseDeliverySettings({ targets: [target], window: { timeZone: 'UTC', start: '18:00', end: '09:00' } });
  assert.equal(backwards.ok, false);
  assert.ok(parseDeliverySettings({ targets: [target], window: { timeZone: 'UTC', start: '00:00', end: '24:00', days: [7, 6] } }).ok);
});

test('strict address check', () => {
  for (const good of ['office@prosecutor.example', 'a.b+c@mail.gov.kz', "o'neil@example.org"]) assert.ok(isStrictAddress(good), good);
  for (const bad of ['', 'x', '@example.org', 'a@b', 'a..b@example.org', '.a@example.org', 'a b@example.org', '"a"@example.org',
    'Name <a@example.org>', 'a@example.org\n', 'a@example.org,b@example.org', 'a@-example.org', `${'a'.repeat(65)}@example.org`]) {
    assert.equal(isStrictAddress(bad), false, JSON.stringify(bad));
  }
});

test('retry delay: first within a minute, doubling, capped at one hour', () => {
  assert.ok(nextAttemptDelay(1, () => 1) <= 60_000);
  assert.ok(nextAttemptDelay(1, () => 0) >= FIRST_RETRY_MS / 2);
  assert.equal(nextAttemptDelay(2, () => 1), 2 * nextAttemptDelay(1, () => 1));
  for (let attempts = 1; attempts < 60; attempts++) {
    const delay = nextAttemptDelay(attempts);
    assert.ok(delay > 0 && delay <= MAX_RETRY_MS, `attempt ${attempts}: ${delay}`);
  }
  assert.ok(nextAttemptDelay(40, () => 0) >= MAX_RETRY_MS / 2);
  // Jitter: a batch that failed together does not come back together.
  assert.ok(new Set(Array.from({ length: 20 }, () => nextAttemptDelay(3))).size > 1);
});

test('give up after 48 hours of temporary failures', () => {
  assert.equal(shouldGiveUp(0, GIVE_UP_AFTER_MS - 1), false);
  assert.equal(shouldGiveUp(0, GIVE_UP_AFTER_MS), true);
});

test('hourly cap frees one hour after the cap-th most recent send', () => {
  const now = 10 * HOUR_MS;
  assert.equal(capFreesAt([now - 1000, now - 2000], 3, now), now);
  assert.equal(capFreesAt([now - 1000, now - 50 * 60_000, now - 2000], 3, now), now - 50 * 60_000 + HOUR_MS);
});

test('sending window in the target time zone', () => {
  const almaty = { timeZone: 'Asia/Almaty', start: '09:00', end: '18:00', days: [1, 2, 3, 4, 5] };
  // Asia/Almaty is UTC+5 since 2024-03-01. Friday 2026-11-27 10:00 local = 05:00Z.
  const fridayMorning = Date.UTC(2026, 10, 27, 5, 0);
  assert.ok(isInsideWindow(fridayMorning, almaty));
  assert.equal(nextSendingTime(fridayMorning, almaty), fridayMorning);
  // Friday 19:00 local → Monday 09:00 local (2026-11-30T04:00Z).
  assert.equal(nextSendingTime(Date.UTC(2026, 10, 27, 14, 0), almaty), Date.UTC(2026, 10, 30, 4, 0));
  // Monday 07:30 local → the same day 09:00.
  assert.equal(nextSendingTime(Date.UTC(2026, 10, 30, 2, 30), almaty), Date.UTC(2026, 10, 30, 4, 0));
  // End is exclusive.
  assert.equal(isInsideWindow(Date.UTC(2026, 10, 27, 13, 0), almaty), false);
  assert.equal(nextSendingTime(12345, undefined), 12345);
});

test('sending window across a daylight-saving change', () => {
  const paris = { timeZone: 'Europe/Paris', start: '09:00', end: '17:00', days: [1] };
  // Saturday 2026-10-24 → Monday 2026-10-26 09:00 CET (UTC+1, after the change on Sunday) = 08:00Z.
  assert.equal(nextSendingTime(Date.UTC(2026, 9, 24, 12, 0), paris), Date.UTC(2026, 9, 26, 8, 0));
  // Saturday 2026-03-28 → Monday 2026-03-30 09:00 CEST (UTC+2) = 07:00Z.
  assert.equal(nextSendingTime(Date.UTC(2026, 2, 28, 12, 0), paris), Date.UTC(2026, 2, 30, 7, 0));
  // A window opening inside the spring-forward gap (02:30 does not exist on 2026-03-29) opens right after it.
  const gap = { timeZone: 'Europe/Paris', start: '02:30', end: '05:00', days: [7] };
  const opening = nextSendingTime(Date.UTC(2026, 2, 28, 12, 0), gap);
  assert.ok(isInsideWindow(opening, gap));
  assert.ok(opening >= Date.UTC(2026, 2, 29, 1, 0) && opening <= Date.UTC(2026, 2, 29, 1, 30), new Date(opening).toISOString());
});
