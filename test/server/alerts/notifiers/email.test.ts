import t from 'tap';
import { SMTPServer } from 'smtp-server';
import { selfSignedCert } from '../../../helpers/receivers.js';
import { event, service, upsAlert } from './fixtures.js';

// Port 19330 (this file only).
t.test('email: STARTTLS + AUTH to a real SMTP server; the mail carries the summary; password never logged', async (t) => {
  const { key, cert } = selfSignedCert();
  const mails: Array<{ from: string; to: string[]; raw: string; secure: boolean; user?: string }> = [];
  const server = new SMTPServer({
    key,
    cert,
    authOptional: false,
    // Refuse AUTH before STARTTLS (the default), so a plaintext login would fail the test.
    onAuth(auth, _session, cb) {
      if (auth.username === 'outpost' && auth.password === 'sm7p-Pa55') cb(null, { user: auth.username });
      else cb(new Error('bad credentials'));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          secure: session.secure,
          user: session.user as string | undefined,
        });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(19330, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const { svc, clock, log } = service({
    notify: [{ type: 'email', host: '127.0.0.1', port: 19330, tls: 'starttls', tls_insecure: true, username: 'outpost', password: 'sm7p-Pa55', from: 'outpost@acme.example', to: ['oncall@msp.example'] }],
  });
  const a = upsAlert();
  svc.onAlertEvents([event('firing', a, clock.t)]);
  await svc.runDue();
  t.equal(mails.length, 1, svc.stats()[0]?.lastError ?? 'delivered');
  const m = mails[0]!;
  t.equal(m.secure, true, 'upgraded with STARTTLS before sending');
  t.equal(m.user, 'outpost');
  t.same(m.to, ['oncall@msp.example']);
  t.match(m.raw, /Subject: \[FIRING\] UpsOnBattery ups1 \(acme-dental\)/);
  t.match(m.raw, /ups1 on battery, 62 % charge, 14 min runtime/);
  t.match(m.raw, new RegExp(`X-Outpost-Key: ${a.id}:firing:`));

  // A wrong password: the error is recorded, the password is not.
  const bad = service({ notify: [{ type: 'email', host: '127.0.0.1', port: 19330, tls_insecure: true, username: 'outpost', password: 'wr0ng-Pa55', from: 'o@a.example', to: ['x@y.example'] }] });
  bad.svc.onAlertEvents([event('firing', a, clock.t)]);
  await bad.svc.runDue();
  t.match(bad.svc.stats()[0], { pending: 1, failedAttempts: 1, lastError: /^SMTP 535/ });
  t.notOk([...log.lines, ...bad.log.lines].some((l) => l.includes('Pa55')));
  await bad.svc.stop();
  await svc.stop();
});

t.test('email: a server without STARTTLS is refused when tls is starttls', async (t) => {
  const server = new SMTPServer({ disabledCommands: ['STARTTLS'], authOptional: true, onData: (s, _x, cb) => s.resume().on('end', () => cb()) });
  await new Promise<void>((resolve) => server.listen(19331, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { svc, clock } = service({ notify: [{ type: 'email', host: '127.0.0.1', port: 19331, from: 'o@a.example', to: ['x@y.example'] }] });
  svc.onAlertEvents([event('firing', upsAlert(), clock.t)]);
  await svc.runDue();
  t.match(svc.stats()[0], { pending: 1, delivered: 0, failedAttempts: 1 });
  await svc.stop();
});
