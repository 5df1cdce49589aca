import type { RecordedEvent } from '../../src/application/event-store/event-store.port.js';
import { type InvitationFacts, invitationMessage, mailtoLink, renderInvitationMail, spokenNumber } from '../../src/application/invitations/invitation-message.js';
import type { InvitationReadModel, MailSender, SentMailLog } from '../../src/application/invitations/invitation.ports.js';
import { INVITATION_JOBS, InvitationsService } from '../../src/application/invitations/invitations.service.js';
import type { JobScheduler } from '../../src/application/jobs/job-scheduler.port.js';
import type { InvitationSent } from '../../src/domain/session/session.events.js';

const facts = (over: Partial<InvitationFacts> = {}): InvitationFacts => ({
  sessionId: 's-1',
  invitationId: 'i-1',
  invitee: 'customer',
  channel: 'email',
  delivery: 'system',
  address: 'ann@example.com',
  joinLink: 'https://help.example.com/join/123456789',
  sessionNumber: '123 456 789',
  siteUrl: 'https://help.example.com',
  composed: null,
  ...over,
});

const NOW = new Date('2026-11-21T12:00:00Z');
function invitationSent(data: Partial<InvitationSent['data']>, recordedAt = NOW): RecordedEvent {
  const d: InvitationSent['data'] = {
    invitationId: 'i-1',
    invitee: 'customer',
    channel: 'email',
    address: 'ann@example.com',
    delivery: 'system',
    joinLink: 'https://help.example.com/join/123456789',
    sessionNumber: '123 456 789',
    siteUrl: 'https://help.example.com',
    mail: null,
    by: 'csr-1',
    at: recordedAt.toISOString(),
    ...data,
  };
  return { id: 'evt-1', streamId: 'session-s-1', version: 1, type: 'InvitationSent', data: d, metadata: {}, schemaVersion: 1, recordedAt, position: 1n, checkpoint: '1' };
}

function service(overrides: { mail?: MailSender; sent?: SentMailLog } = {}) {
  const scheduled: { name: string; data: Record<string, unknown>; options: { jobId: string; attempts?: number } }[] = [];
  const jobs: JobScheduler = {
    schedule: async (name, data, options) => void scheduled.push({ name, data, options }),
    scheduleMany: async () => undefined,
    handle: () => undefined,
    start: async () => undefined,
    close: async () => undefined,
  };
  const read: InvitationReadModel = { find: async () => undefined, list: async () => [] };
  const marks = new Set<string>();
  const sent: SentMailLog = overrides.sent ?? { wasSent: async (id) => marks.has(id), markSent: async (id) => void marks.add(id) };
  const outbox: string[] = [];
  const mail: MailSender = overrides.mail ?? { send: async (m) => (outbox.push(m.to), { messageId: `<${outbox.length}@test>` }) };
  const sessions = {
    current: async () => {
      throw new Error('not used');
    },
    command: async () => {
      throw new Error('not used');
    },
  };
  return { svc: new InvitationsService(jobs, read, sent, mail, sessions, { maxInvitationAgeMs: 3_600_000, now: () => NOW }), scheduled, outbox };
}

describe('invitation messages', () => {
  it('INV-2 the mailto: link is RFC 6068: percent-encoded, CRLF line breaks, and decodes back to its parts', () => {
    const link = mailtoLink('ann+help@example.com', 'Remote support session 123 456 789', 'Join: https://x/join/1?a=b&c=d\n\nThanks');
    expect(link).toBe(
      'mailto:ann%2Bhelp@example.com?subject=Remote%20support%20session%20123%20456%20789&body=Join%3A%20https%3A%2F%2Fx%2Fjoin%2F1%3Fa%3Db%26c%3Dd%0D%0A%0D%0AThanks',
    );
  });

  it('INV-1 the phone message reads the number digit by digit and names the site', () => {
    expect(spokenNumber('123 456 789')).toBe('1 2 3, 4 5 6, 7 8 9');
    const m = invitationMessage(facts({ channel: 'phone', delivery: null, address: null }));
    expect(m).toMatchObject({ channel: 'phone', sessionNumber: '123 456 789', siteUrl: 'https://help.example.com', joinLink: 'https://help.example.com/join/123456789' });
  });

  it('INV-2 the own-mail-program message keeps the subject and body the decider composed', () => {
    const m = invitationMessage(facts({ delivery: 'own_mail_program', composed: { subject: 'S', body: 'B\nC' } }));
    expect(m).toMatchObject({ channel: 'email', subject: 'S', body: 'B\nC', mailto: 'mailto:ann@example.com?subject=S&body=B%0D%0AC' });
  });

  it('INV-3 the mail the system sends carries the join link, the number and the site in text and HTML', () => {
    const mail = renderInvitationMail(facts({ joinLink: 'https://help.example.com/join/1?a=<b>' }));
    expect(mail.subject).toBe('Remote support session 123 456 789');
    expect(mail.text).toContain('https://help.example.com/join/1?a=<b>');
    expect(mail.text).toContain('123 456 789');
    expect(mail.html).toContain('href="https://help.example.com/join/1?a=&lt;b&gt;"'); // escaped
    expect(mail.html).toContain('https://help.example.com');
  });
});

describe('the invitation mail reaction and job', () => {
  it('INV-1 only an email sent by the system becomes a job: its id is the event id, 5 attempts', async () => {
    const { svc, scheduled } = service();
    await svc.react(invitationSent({ channel: 'phone', delivery: null }));
    await svc.react(invitationSent({ channel: 'instant_message', delivery: null }));
    await svc.react(invitationSent({ delivery: 'own_mail_program', mail: { subject: 's', body: 'b', mailto: 'mailto:x' } }));
    expect(scheduled).toEqual([]);
    await svc.react(invitationSent({}));
    expect(scheduled).toHaveLength(1);
    expect(scheduled[0]).toMatchObject({ name: INVITATION_JOBS.sendEmail, options: { jobId: 'evt-1', attempts: 5 }, data: { eventId: 'evt-1' } });
  });

  it('INV-1 an invitation older than the limit is not mailed (a new deployment reading old history)', async () => {
    const { svc, scheduled } = service();
    await svc.react(invitationSent({}, new Date(NOW.getTime() - 2 * 3_600_000)));
    expect(scheduled).toEqual([]);
  });

  it('INV-1 the job mails once: run again, the sent marker stops it; a refused send throws so BullMQ retries', async () => {
    let fail = true;
    const outbox: string[] = [];
    const { svc, scheduled } = service({
      mail: {
        send: async (m) => {
          if (fail) throw new Error('421 try later');
          outbox.push(m.to);
          return { messageId: '<1@test>' };
        },
      },
    });
    await svc.react(invitationSent({}));
    const data = scheduled[0]!.data;
    await expect(svc.sendEmail(data, { attempt: 1, attempts: 5 })).rejects.toThrow('421');
    fail = false;
    await svc.sendEmail(data, { attempt: 2, attempts: 5 });
    await svc.sendEmail(data, { attempt: 3, attempts: 5 });
    expect(outbox).toEqual(['ann@example.com']);
  });
});
