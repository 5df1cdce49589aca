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
  sessionId: randomUUID(), invitationId: randomUUID(), invitee: 'customer', channel: 'email', delivery: 'system', address: 'ann@example.com',
  joinLink: 'https://help.example.com/join/123456789', sessionNumber: '123 456 789', siteUrl: 'https://help.example.com', composed: null,
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
  const svc = new InvitationsService(jobs, { find: async () => undefined }, sent, mail, { current: async () => { throw new Error('unused'); } }, { maxInvitationAgeMs: 3_600_000 });
  try {
    jobs.handle(INVITATION_JOBS.sendEmail, (data) => svc.sendEmail(data));
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
