import * as E from './session.errors.js';
import { asCsr, asCustomer, AT, cmd, context, CSR, CUSTOMER, CUSTOMER2, ev, HELPER, spec, stateAfter, STRANGER, withCustomerAndHelper } from './testing/session.fixtures.js';

const chat = (text: string, to?: string, metadata = asCsr()) => cmd('SendChatMessage', to === undefined ? { messageId: 'm-1', text } : { messageId: 'm-1', text, to }, metadata);

describe('chat', () => {
  it('TL-1 the CSR sends an instant message to the customer', () => {
    spec
      .given(withCustomerAndHelper())
      .when(chat('hello Carla', CUSTOMER))
      .then([ev.chatSent('m-1', 'hello Carla', CUSTOMER)]);
  });

  it('TL-1 the CSR sends an instant message to another CSR in the session', () => {
    spec
      .given(withCustomerAndHelper())
      .when(chat('can you look?', HELPER))
      .then([ev.chatSent('m-1', 'can you look?', HELPER)]);
  });

  it('TL-1 a customer answers to everyone in the session', () => {
    spec
      .given(withCustomerAndHelper())
      .when(chat('thanks', undefined, asCustomer()))
      .then([ev.chatSent('m-1', 'thanks', null, CUSTOMER)]);
  });

  it('TL-1 a message of 2000 characters is sent', () => {
    const text = 'x'.repeat(2000);
    spec
      .given(withCustomerAndHelper())
      .when(chat(text))
      .then([ev.chatSent('m-1', text)]);
  });

  it('TL-1 refuses a message of 2001 characters', () => {
    spec
      .given(withCustomerAndHelper())
      .when(chat('x'.repeat(2001)))
      .thenError(E.CHAT_MESSAGE_TOO_LONG);
  });

  it('TL-1 refuses an empty message', () => {
    spec.given(withCustomerAndHelper()).when(chat('   ')).thenError(E.CHAT_MESSAGE_EMPTY);
  });

  it('TL-1 refuses a recipient who is not in the session', () => {
    spec.given(withCustomerAndHelper()).when(chat('hi', STRANGER)).thenError(E.RECIPIENT_NOT_IN_SESSION);
  });

  it('TL-1 someone outside the session cannot chat in it, nor learn that it exists', () => {
    spec
      .given(withCustomerAndHelper())
      .when(chat('hi', undefined, asCustomer(CUSTOMER2)))
      .thenError(E.SESSION_NOT_FOUND);
  });

  it('TL-1 the first message opens the chat', () => {
    expect(stateAfter(withCustomerAndHelper(), chat('hello'))).toMatchObject({ activities: { chatOpen: true } });
  });
});

describe('video', () => {
  it('TL-2 the controlling CSR sends live video to all participants', () => {
    spec
      .given(withCustomerAndHelper())
      .when(cmd('StartVideo', { videoId: 'vid-1', cameraAvailable: true }))
      .then([ev.videoStarted()]);
  });

  it('TL-2 video needs a camera', () => {
    spec
      .given(withCustomerAndHelper())
      .when(cmd('StartVideo', { videoId: 'vid-1', cameraAvailable: false }))
      .thenError(E.NO_CAMERA);
  });

  it('TL-2 video is refused while already on, and ends on request', () => {
    const history = [...withCustomerAndHelper(), ev.videoStarted()];
    spec
      .given(history)
      .when(cmd('StartVideo', { videoId: 'vid-2', cameraAvailable: true }))
      .thenError(E.VIDEO_ALREADY_RUNNING);
    spec
      .given(history)
      .when(cmd('EndVideo', {}))
      .then([ev.videoEnded('stopped')]);
  });

  it('TL-2 ending video that is not on is refused', () => {
    spec.given(withCustomerAndHelper()).when(cmd('EndVideo', {})).thenError(E.VIDEO_NOT_RUNNING);
  });
});

describe('file transfer', () => {
  it('TL-3 the CSR publishes a file in the window the customer downloads from', () => {
    spec
      .given(withCustomerAndHelper())
      .when(cmd('PublishFile', { fileId: 'f-1', fileName: 'driver.zip', sizeBytes: 2048 }))
      .then([{ type: 'FilePublished', data: { fileId: 'f-1', fileName: 'driver.zip', sizeBytes: 2048, sha256: null, contentType: null, by: CSR, at: AT } }]);
    expect(stateAfter(withCustomerAndHelper(), cmd('PublishFile', { fileId: 'f-1', fileName: 'driver.zip' }))).toMatchObject({
      publishedFiles: [{ fileId: 'f-1', fileName: 'driver.zip' }],
    });
  });

  it('TL-3 refuses a file without a name', () => {
    spec
      .given(withCustomerAndHelper())
      .when(cmd('PublishFile', { fileId: 'f-1', fileName: ' ' }))
      .thenError(E.INVALID_FILE);
  });

  it('TL-3 a helper cannot publish files', () => {
    spec
      .given(withCustomerAndHelper())
      .when(cmd('PublishFile', { fileId: 'f-1', fileName: 'a.txt' }, asCsr(HELPER)))
      .thenError(E.NOT_CONTROLLER);
  });

  it('TL-4 advanced file transfer is requested of the active customer', () => {
    spec
      .given(withCustomerAndHelper())
      .when(cmd('RequestFileTransfer', { transferId: 'ft-1' }))
      .then([ev.transferRequested('ft-1')]);
  });

  it('TL-4 the customer approves the advanced file transfer', () => {
    spec
      .given([...withCustomerAndHelper(), ev.transferRequested('ft-1')])
      .when(cmd('ApproveFileTransfer', { transferId: 'ft-1' }, asCustomer()))
      .then([ev.transferApproved('ft-1')]);
  });

  it('TL-4 the customer declines the advanced file transfer', () => {
    spec
      .given([...withCustomerAndHelper(), ev.transferRequested('ft-1')])
      .when(cmd('DeclineFileTransfer', { transferId: 'ft-1' }, asCustomer()))
      .then([{ type: 'FileTransferDeclined', data: { transferId: 'ft-1', by: CUSTOMER, at: AT } }]);
  });

  it('TL-4 the CSR cannot approve on the customer s behalf', () => {
    spec
      .given([...withCustomerAndHelper(), ev.transferRequested('ft-1')])
      .when(cmd('ApproveFileTransfer', { transferId: 'ft-1' }))
      .thenError(E.NOT_REQUEST_TARGET);
  });

  it('TL-4 an approved transfer ends on request', () => {
    spec
      .given([...withCustomerAndHelper(), ev.transferRequested('ft-1'), ev.transferApproved('ft-1')])
      .when(cmd('EndFileTransfer', { transferId: 'ft-1' }))
      .then([ev.transferEnded('ft-1', 'stopped')]);
  });

  it('TL-4 answering a transfer that is not under way is refused', () => {
    spec
      .given(withCustomerAndHelper())
      .when(cmd('ApproveFileTransfer', { transferId: 'ft-9' }, asCustomer()))
      .thenError(E.FILE_TRANSFER_NOT_FOUND);
  });
});

describe('voice', () => {
  it('TL-5 the CSR starts a VoIP call with the customer', () => {
    spec
      .given(withCustomerAndHelper())
      .when(cmd('StartVoiceCall', { callId: 'call-1', withUserId: CUSTOMER }))
      .then([ev.voiceStarted()]);
  });

  it('TL-5 the CSR calls another person in the session', () => {
    spec
      .given(withCustomerAndHelper())
      .when(cmd('StartVoiceCall', { callId: 'call-1', withUserId: HELPER }))
      .then([ev.voiceStarted(HELPER)]);
  });

  it('TL-5 refuses a call with someone outside the session', () => {
    spec
      .given(withCustomerAndHelper())
      .when(cmd('StartVoiceCall', { callId: 'call-1', withUserId: STRANGER }))
      .thenError(E.RECIPIENT_NOT_IN_SESSION);
  });

  it('TL-5 one call at a time', () => {
    spec
      .given([...withCustomerAndHelper(), ev.voiceStarted()])
      .when(cmd('StartVoiceCall', { callId: 'call-2', withUserId: HELPER }))
      .thenError(E.VOICE_CALL_ALREADY_RUNNING);
  });

  it('TL-5 the person called hangs up', () => {
    spec
      .given([...withCustomerAndHelper(), ev.voiceStarted()])
      .when(cmd('EndVoiceCall', {}, asCustomer()))
      .then([ev.voiceEnded('stopped', 'call-1', CUSTOMER)]);
  });

  it('TL-5 someone not on the call cannot hang it up', () => {
    spec
      .given([...withCustomerAndHelper(), ev.voiceStarted()])
      .when(cmd('EndVoiceCall', {}, asCsr(HELPER)))
      .thenError(E.NOT_CONTROLLER);
  });
});

describe('notes', () => {
  const note = (metadata = asCsr(), text = 'Customer runs an old driver') => cmd('SaveNote', { noteId: 'n-1', text }, metadata);

  it('TL-6 the CSR holding control saves a note for the activity report', () => {
    spec
      .given(withCustomerAndHelper())
      .when(note())
      .then([{ type: 'NoteSaved', data: { noteId: 'n-1', text: 'Customer runs an old driver', by: CSR, at: AT } }]);
  });

  it('TL-6 a helper of the session saves notes too', () => {
    spec
      .given(withCustomerAndHelper())
      .when(note(asCsr(HELPER)))
      .then([{ type: 'NoteSaved', data: { noteId: 'n-1', text: 'Customer runs an old driver', by: HELPER, at: AT } }]);
  });

  it('TL-6 a customer cannot save notes', () => {
    spec.given(withCustomerAndHelper()).when(note(asCustomer())).thenError(E.NOT_A_CSR_OF_SESSION);
  });

  it('TL-6 a CSR outside the session cannot save notes on it, nor learn that it exists', () => {
    spec
      .given(withCustomerAndHelper())
      .when(note(asCsr(STRANGER)))
      .thenError(E.SESSION_NOT_FOUND);
  });

  it('TL-6 refuses an empty note', () => {
    spec.given(withCustomerAndHelper()).when(note(asCsr(), '')).thenError(E.INVALID_NOTE);
  });
});

describe('recording', () => {
  it('REC-1 the controlling CSR records the session', () => {
    spec
      .given(withCustomerAndHelper())
      .when(cmd('StartRecording', { recordingId: 'rec-1' }))
      .then([ev.recordingStarted('rec-1')]);
    expect(stateAfter(withCustomerAndHelper(), cmd('StartRecording', { recordingId: 'rec-1' }))).toMatchObject({
      activities: { recording: { recordingId: 'rec-1', automatic: false } },
    });
  });

  it('REC-1 and stops the recording', () => {
    spec
      .given([...withCustomerAndHelper(), ev.recordingStarted('rec-1')])
      .when(cmd('StopRecording', {}))
      .then([ev.recordingStopped('stopped')]);
  });

  it('REC-1 a helper cannot record', () => {
    spec
      .given(withCustomerAndHelper())
      .when(cmd('StartRecording', { recordingId: 'rec-1' }, asCsr(HELPER)))
      .thenError(E.NOT_CONTROLLER);
  });

  it('REC-1 refuses a second recording while one runs', () => {
    spec
      .given([...withCustomerAndHelper(), ev.recordingStarted('rec-1')])
      .when(cmd('StartRecording', { recordingId: 'rec-2' }))
      .thenError(E.RECORDING_ALREADY_RUNNING);
  });

  const autoRecorded = () => [ev.started({ settings: { autoRecord: true } }), ev.recordingStarted('rec-auto', true, 'system'), ev.customerJoined()];

  it('REC-2 with auto-record the record command is not offered', () => {
    spec
      .given(autoRecorded(), context({ autoRecord: false }))
      .when(cmd('StartRecording', { recordingId: 'rec-1' }))
      .thenError(E.RECORDING_AUTOMATIC);
  });

  it('REC-2 an automatic recording cannot be stopped by the CSR', () => {
    spec.given(autoRecorded()).when(cmd('StopRecording', {})).thenError(E.RECORDING_AUTOMATIC);
  });

  it('REC-2 without auto-record no recording starts with the session', () => {
    const events = spec
      .given([], context({ autoRecord: false }))
      .when(cmd('StartSession', { sessionId: 's', number: '123456789', kind: 'outbound' }))
      .events();
    expect(events.map((e) => e.type)).toEqual(['SessionStarted']);
  });
});
