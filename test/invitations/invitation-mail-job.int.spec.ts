import { randomUUID } from 'node:crypto';
import type { InvitationFacts } from '../../src/application/invitations/invitation-message.js';
import type { MailSender, SentMailLog } from '../../src/application/invitations/invitation.ports.js';
import { INVITATION_JOBS, InvitationsService } from '../../src/application/invitations/invitations.service.js';
import { BullMqJobScheduler } from '../../src/infrastructure/jobs/bullmq-job-scheduler.js';
import { waitUntil } from '../contract/event-store.contract.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('mailjob');
});
afterAll(() => db.drop());

const facts: InvitationFacts = {
  sessionId: randomUUID(),
  invitationId: randomUUID(),
  invitee: 'customer',
  channel: 'email',
  delivery: 'system',
  address: 'ann@example.com',
  joinLink: 'https://help.example.com/join/123456789',
  sessionNumber: '123 456 789',
  siteUrl: 'https://help.example.com',
  composed: null,
};

it('INV-1 a mail server that refuses twice: BullMQ (on PostgreSQL) retries the job and the mail goes out once', async () => {
  const jobs = new BullMqJobScheduler({ kind: 'postgres', url: db.url }, { queueName: `mail-${randomUUID()}` });
  const attempts: number[] = [];
  const outbox: string[] = [];
  const mail: MailSender = {
    send: async (m) => {
      attempts.push(Date.now());
      if (attempts.length <= 2) throw new Error('ECONNREFUSED');
      outbox.push(m.to);
      return { messageId: '<1@test>' };
    },
  };
  const marks = new Set<string>();
  const sent: SentMailLog = { wasSent: async (id) => marks.has(id), markSent: async (id) => void marks.add(id) };
  const svc = new InvitationsService(
    jobs,
    { find: async () => undefined, list: async () => [] },
    sent,
    mail,
    {
      current: async () => {
        throw new Error('unused');
      },
      command: async () => {
        throw new Error('unused');
      },
    },
    { maxInvitationAgeMs: 3_600_000 },
  );
  try {
    jobs.handle(INVITATION_JOBS.sendEmail, (data, run) => svc.sendEmail(data, run));
    await jobs.start();
    const eventId = randomUUID();
    await jobs.schedule(INVITATION_JOBS.sendEmail, { eventId, invitation: facts }, { jobId: eventId, attempts: 5 });
    await jobs.schedule(INVITATION_JOBS.sendEmail, { eventId, invitation: facts }, { jobId: eventId, attempts: 5 }); // the reaction again
    await waitUntil(() => outbox.length === 1, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(attempts).toHaveLength(3);
    expect(outbox).toEqual(['ann@example.com']);
    expect(marks.has(eventId)).toBe(true);
  } finally {
    await jobs.close();
  }
});

/** Stands in for the session service: records the commands the mail job gives it. */
function recordingSessions() {
  const commands: { type: string; data: { invitationId: string; reason: string }; commandId: string }[] = [];
  return {
    commands,
    current: async () => {
      throw new Error('unused');
    },
    command: async (_p: unknown, _id: string, type: string, data: { invitationId: string; reason: string }, options: { commandId: string }) => {
      commands.push({ type, data, commandId: options.commandId });
    },
  };
}

async function runMailJob(refusal: () => Error, attempts: number) {
  const jobs = new BullMqJobScheduler({ kind: 'postgres', url: db.url }, { queueName: `mail-${randomUUID()}` });
  const tries: number[] = [];
  const mail: MailSender = {
    send: async () => {
      tries.push(Date.now());
      throw refusal();
    },
  };
  const sessions = recordingSessions();
  const marks = new Set<string>();
  const sent: SentMailLog = { wasSent: async (id) => marks.has(id), markSent: async (id) => void marks.add(id) };
  const svc = new InvitationsService(jobs, { find: async () => undefined, list: async () => [] }, sent, mail, sessions, { maxInvitationAgeMs: 3_600_000 });
  try {
    jobs.handle(INVITATION_JOBS.sendEmail, (data, run) => svc.sendEmail(data, run));
    await jobs.start();
    const eventId = randomUUID();
    await jobs.schedule(INVITATION_JOBS.sendEmail, { eventId, invitation: facts }, { jobId: eventId, attempts });
    await waitUntil(() => sessions.commands.length === 1, 30_000);
    return { tries, commands: sessions.commands, sent: marks.has(eventId) };
  } finally {
    await jobs.close();
  }
}

it('INV-1 a server that refuses every attempt for a while (421): the last attempt records the invitation as undelivered, once', async () => {
  const { tries, commands, sent } = await runMailJob(() => Object.assign(new Error('421 4.3.2 try again later'), { responseCode: 421 }), 3);
  expect(tries).toHaveLength(3);
  expect(sent).toBe(false);
  expect(commands).toEqual([
    { type: 'RecordUndeliveredInvitation', data: { invitationId: facts.invitationId, reason: '421 4.3.2 try again later' }, commandId: `undelivered:${facts.invitationId}` },
  ]);
});

it('INV-1 a permanent refusal (550, RFC 5321 5xx) is not retried: the first attempt records the invitation as undelivered', async () => {
  const { tries, commands } = await runMailJob(() => Object.assign(new Error('550 5.1.1 no such mailbox'), { responseCode: 550 }), 5);
  expect(tries).toHaveLength(1);
  expect(commands.map((c) => [c.type, c.data.reason])).toEqual([['RecordUndeliveredInvitation', '550 5.1.1 no such mailbox']]);
});
