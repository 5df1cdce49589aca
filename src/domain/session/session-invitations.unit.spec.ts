import { fold } from '../shared/decider.js';
import { sessionDecider } from './index.js';
import type { InvitationRequest } from './session.commands.js';
import * as E from './session.errors.js';
import type { InvitationSent } from './session.events.js';
import {
  asCsr,
  asCustomer,
  asSystem,
  AT,
  cmd,
  CSR,
  CUSTOMER,
  CUSTOMER2,
  ev,
  HELPER,
  JOIN_LINK,
  meta,
  NUMBER,
  SITE_URL,
  spec,
  withCustomerAndHelper,
} from './testing/session.fixtures.js';

const invite = (...invitations: InvitationRequest[]) => cmd('InviteParticipants', { invitations });
const sent = (over: Partial<InvitationSent['data']>): InvitationSent => ({
  type: 'InvitationSent',
  data: {
    invitationId: 'inv-1',
    invitee: 'customer',
    channel: 'email',
    address: null,
    delivery: null,
    joinLink: JOIN_LINK,
    sessionNumber: '123 456 789',
    siteUrl: SITE_URL,
    mail: null,
    by: CSR,
    at: AT,
    ...over,
  },
});
const join = (as: 'customer' | 'helper', userId: string, number: string = NUMBER) => cmd('JoinSession', { number, as }, as === 'customer' ? asCustomer(userId) : asCsr(userId));

describe('invitations', () => {
  it('INV-1 invites a customer by email', () => {
    spec
      .given([ev.started()])
      .when(invite({ invitationId: 'inv-1', invitee: 'customer', channel: 'email', address: 'carla@example.com', delivery: 'system' }))
      .then([sent({ address: 'carla@example.com', delivery: 'system' })]);
  });

  it('INV-1 invites a customer by phone: the invitation carries the number to read out and the site address', () => {
    spec
      .given([ev.started()])
      .when(invite({ invitationId: 'inv-1', invitee: 'customer', channel: 'phone', address: '+33 1 23 45 67 89' }))
      .then([sent({ channel: 'phone', address: '+33 1 23 45 67 89' })]);
  });

  it('INV-1 invites a customer by instant message with a join link', () => {
    spec
      .given([ev.started()])
      .when(invite({ invitationId: 'inv-1', invitee: 'customer', channel: 'instant_message', address: 'carla.im' }))
      .then([sent({ channel: 'instant_message', address: 'carla.im' })]);
  });

  it('INV-1 invites another CSR by email', () => {
    spec
      .given([ev.started()])
      .when(invite({ invitationId: 'inv-1', invitee: 'csr', channel: 'email', address: 'bob@support.example.com' }))
      .then([sent({ invitee: 'csr', address: 'bob@support.example.com', delivery: 'system' })]);
  });

  it('INV-1 refuses to invite another CSR by phone or instant message', () => {
    spec
      .given([ev.started()])
      .when(invite({ invitationId: 'inv-1', invitee: 'csr', channel: 'phone' }))
      .thenError(E.CSR_INVITATION_EMAIL_ONLY);
  });

  it('INV-1 refuses an email invitation without a valid address', () => {
    spec
      .given([ev.started()])
      .when(invite({ invitationId: 'inv-1', invitee: 'customer', channel: 'email' }))
      .thenError(E.INVALID_INVITATION);
  });

  it.each([
    'a,b@x.test',
    'cust,other@example.test',
    'victim@example.com?bcc=x%40y&z=',
    'someone@example..com',
    'someone@<b>.example',
    'Ann <ann@x.test>',
    'x@localhost',
    'group: a@x.test;',
  ])('INV-1 refuses "%s": exactly one mailbox with a valid host (INVALID_INVITATION)', (address) => {
    const error = spec
      .given([ev.started()])
      .when(invite({ invitationId: 'inv-1', invitee: 'customer', channel: 'email', address }))
      .thenError(E.INVALID_INVITATION);
    expect(error.field).toBe('address');
  });

  it.each(['josé@exämple.de', 'ünïcode@例え.jp', 'plain.address+tag@example.test'])('INV-1 accepts the international or tagged address "%s" as it is', (address) => {
    const [event] = spec
      .given([ev.started()])
      .when(invite({ invitationId: 'inv-1', invitee: 'customer', channel: 'email', address }))
      .events();
    expect(event).toMatchObject({ type: 'InvitationSent', data: { address } });
  });

  it('INV-1 only the CSR holding control invites', () => {
    spec
      .given(withCustomerAndHelper())
      .when(cmd('InviteParticipants', { invitations: [{ invitationId: 'i', invitee: 'customer', channel: 'phone' }] }, asCsr(HELPER)))
      .thenError(E.NOT_CONTROLLER);
  });

  it('INV-2 an email sent through the CSR own mail program hands back subject, body and a mailto link', () => {
    const [event] = spec
      .given([ev.started()])
      .when(invite({ invitationId: 'inv-1', invitee: 'customer', channel: 'email', address: 'carla@example.com', delivery: 'own_mail_program' }))
      .events() as InvitationSent[];
    expect(event!.data.delivery).toBe('own_mail_program');
    expect(event!.data.mail).toEqual({
      subject: 'Remote support session 123 456 789',
      body: expect.stringContaining(JOIN_LINK),
      mailto: expect.stringMatching(/^mailto:carla@example\.com\?subject=Remote%20support%20session%20123%20456%20789&body=/),
    });
    expect(decodeURIComponent(event!.data.mail!.mailto.split('body=')[1]!)).toBe(event!.data.mail!.body);
  });

  it('INV-2 an email sent by the system carries no composed mail', () => {
    const [event] = spec
      .given([ev.started()])
      .when(invite({ invitationId: 'inv-1', invitee: 'customer', channel: 'email', address: 'carla@example.com' }))
      .events() as InvitationSent[];
    expect(event!.data).toMatchObject({ delivery: 'system', mail: null });
  });

  it('INV-3 every invitation, whatever the channel, carries the link to the session', () => {
    const events = spec
      .given([ev.started()])
      .when(
        invite(
          { invitationId: 'a', invitee: 'customer', channel: 'email', address: 'a@example.com' },
          { invitationId: 'b', invitee: 'customer', channel: 'phone' },
          { invitationId: 'c', invitee: 'csr', channel: 'email', address: 'c@example.com', delivery: 'own_mail_program' },
        ),
      )
      .events() as InvitationSent[];
    expect(events.map((e) => e.data.joinLink)).toEqual([JOIN_LINK, JOIN_LINK, JOIN_LINK]);
  });

  it('INV-5 invites several customers at once within the admin maximum', () => {
    const events = spec
      .given([ev.started({ settings: { maxCustomers: 3 } }), ev.customerJoined()])
      .when(invite({ invitationId: 'a', invitee: 'customer', channel: 'phone' }, { invitationId: 'b', invitee: 'customer', channel: 'phone' }))
      .events();
    expect(events).toHaveLength(2);
  });

  it('INV-5 refuses to invite more customers than the seats left', () => {
    spec
      .given([ev.started({ settings: { maxCustomers: 2 } }), ev.customerJoined()])
      .when(invite({ invitationId: 'a', invitee: 'customer', channel: 'phone' }, { invitationId: 'b', invitee: 'customer', channel: 'phone' }))
      .thenError(E.CUSTOMER_LIMIT_REACHED);
  });

  it('INV-5 a CSR invitation does not count against the customer maximum', () => {
    spec
      .given([ev.started({ settings: { maxCustomers: 1 } }), ev.customerJoined()])
      .when(invite({ invitationId: 'a', invitee: 'csr', channel: 'email', address: 'bob@example.com' }))
      .then([sent({ invitationId: 'a', invitee: 'csr', address: 'bob@example.com', delivery: 'system' })]);
  });
});

describe('joining', () => {
  it('INV-4 a customer joins from the support site by typing the session number, spaces and dashes allowed', () => {
    spec
      .given([ev.started()])
      .when(join('customer', CUSTOMER, '123-456 789'))
      .then([ev.customerJoined()]);
  });

  it('INV-4 refuses a number that is not this session s, as if there were no session', () => {
    spec
      .given([ev.started()])
      .when(join('customer', CUSTOMER, '987 654 321'))
      .thenError(E.SESSION_NOT_FOUND);
  });

  it('INV-4 refuses a number that is not nine digits', () => {
    spec
      .given([ev.started()])
      .when(join('customer', CUSTOMER, '123 456'))
      .thenError(E.INVALID_SESSION_NUMBER);
  });

  it('INV-4 joining as customer needs the customer role', () => {
    spec
      .given([ev.started()])
      .when(cmd('JoinSession', { number: NUMBER, as: 'customer' }, meta('x', ['reporting'])))
      .thenError(E.NOT_A_CUSTOMER);
  });

  it('INV-4 joining again after a reload writes nothing', () => {
    spec.given([ev.started(), ev.customerJoined()]).when(join('customer', CUSTOMER)).then([]);
  });

  it('INV-4 the first customer in becomes the active customer', () => {
    expect(fold(sessionDecider, [ev.started(), ev.customerJoined(), ev.customerJoined(CUSTOMER2)])).toMatchObject({
      customers: [{ customerId: CUSTOMER }, { customerId: CUSTOMER2 }],
      activeCustomerId: CUSTOMER,
    });
  });

  it('INV-5 refuses a customer beyond the admin maximum', () => {
    spec
      .given([ev.started({ settings: { maxCustomers: 1 } }), ev.customerJoined()])
      .when(join('customer', CUSTOMER2))
      .thenError(E.CUSTOMER_LIMIT_REACHED);
  });

  it('INV-6 joining an ended session fails with a clear error: ended to those who took part, not found to anyone else', () => {
    spec.given([ev.started(), ev.customerJoined(), ev.ended()]).when(join('customer', CUSTOMER)).thenError(E.SESSION_ENDED);
    spec.given([ev.started(), ev.ended()]).when(join('customer', CUSTOMER)).thenError(E.SESSION_NOT_FOUND);
  });

  it('INV-6 joining a session that does not exist fails as not found', () => {
    const error = spec.given([]).when(join('customer', CUSTOMER)).thenError(E.SESSION_NOT_FOUND);
    expect(error.category).toBe('not_found');
  });

  it('AST-1 another CSR joins as helper with the session number', () => {
    spec
      .given([ev.started()])
      .when(join('helper', HELPER, '123 456 789'))
      .then([ev.helperJoined()]);
    expect(fold(sessionDecider, [ev.started(), ev.helperJoined()])).toMatchObject({ csrs: { [CSR]: 'controller', [HELPER]: 'helper' } });
  });

  it('AST-1 a helper joins only with the right number', () => {
    spec
      .given([ev.started()])
      .when(join('helper', HELPER, '111 111 111'))
      .thenError(E.SESSION_NOT_FOUND);
  });

  it('AST-1 only a CSR joins as helper', () => {
    spec
      .given([ev.started()])
      .when(cmd('JoinSession', { number: NUMBER, as: 'helper' }, asCustomer()))
      .thenError(E.NOT_A_CSR);
  });

  describe('INV-1 an email invitation the mail server refuses for good', () => {
    const mailed = sent({ invitationId: 'inv-9', address: 'ann@example.com', delivery: 'system' });
    const refuse = (reason = '550 5.1.1 no such mailbox', metadata = asSystem()) => cmd('RecordUndeliveredInvitation', { invitationId: 'inv-9', reason }, metadata);

    it("INV-1 is recorded by the system with the address and the server's answer, once", () => {
      const events = spec.given([ev.started(), mailed]).when(refuse()).events();
      expect(events).toEqual([
        { type: 'InvitationUndelivered', data: { invitationId: 'inv-9', address: 'ann@example.com', reason: '550 5.1.1 no such mailbox', by: 'system', at: AT } },
      ]);
      spec
        .given([ev.started(), mailed, ...events])
        .when(refuse())
        .then([]);
      expect(fold(sessionDecider, [ev.started(), mailed, ...events])).toMatchObject({
        mailedInvitations: [{ invitationId: 'inv-9', address: 'ann@example.com', undelivered: { reason: '550 5.1.1 no such mailbox', at: AT } }],
      });
    });

    it('INV-1 only the system records it, only for an invitation it mails, only while the session is live', () => {
      spec.given([ev.started(), mailed]).when(refuse(undefined, asCsr())).thenError(E.SYSTEM_ONLY);
      spec
        .given([ev.started(), sent({ invitationId: 'inv-9', channel: 'phone', address: '+1 555 0100' })])
        .when(refuse())
        .thenError(E.INVITATION_NOT_FOUND);
      spec
        .given([ev.started(), sent({ invitationId: 'inv-9', address: 'ann@example.com', delivery: 'own_mail_program' })])
        .when(refuse())
        .thenError(E.INVITATION_NOT_FOUND);
      spec.given([ev.started(), mailed, ev.ended()]).when(refuse()).thenError(E.SESSION_ENDED);
      spec.given([]).when(refuse()).thenError(E.SESSION_NOT_FOUND);
    });

    it("INV-1 keeps the server's answer storable: one line, no NUL or lone surrogate, at most 500 units", () => {
      const [event] = spec
        .given([ev.started(), mailed])
        .when(refuse(`550\r\nno\u0000 such \ud800 box ${'x'.repeat(600)}`))
        .events();
      const reason = (event!.data as { reason: string }).reason;
      expect(reason.startsWith('550 no such \ufffd box x')).toBe(true);
      expect(reason).toHaveLength(500);
    });
  });
});
