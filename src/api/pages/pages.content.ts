/**
 * The two WebRTC pages (`/pages/csr.html`, `/pages/customer.html`) and their one script
 * (`/pages/tandem-rtc.js`), kept as strings so that tsc carries them into dist with the rest:
 * no framework, no bundler, no files to copy. They drive the signalling protocol of
 * src/api/signalling (join, signal offer/answer/candidate, close-media, error) for a desktop
 * view share (SHR-1): the CUSTOMER sends its screen, the controlling CSR receives it.
 *
 * Both pages take `?token=<JWT>&session=<id>` (or the same in the `#fragment`, which is never
 * sent to the server); the customer page also takes `&share=<shareId>` to offer as soon as it
 * has joined. What they see is kept on `window.__tandem` for the browser test.
 *
 * The client script is plain ES2020 without template literals (it lives in one here).
 */

export const TANDEM_RTC_JS = String.raw`// Tandem WebRTC page script (served by PagesController).
const role = document.body.dataset.role; // 'csr' | 'customer'
const params = new URLSearchParams(location.hash.length > 1 ? location.hash.slice(1) : location.search);
const token = params.get('token') || '';
const sessionId = params.get('session') || '';

const T = (window.__tandem = {
  role, ready: false, joined: false, fatal: null, you: null, participants: [],
  iceServers: null, connectionState: 'new',
  offersSent: 0, signals: [], errors: [], closed: [],
  channelOpen: false, dataReceived: [], dataSent: [],
  framesDecoded: 0, frameCallbacks: 0, videoWidth: 0, videoHeight: 0,
  log: [],
});
const status = document.getElementById('status');
function log(line) {
  T.log.push(new Date().toISOString() + ' ' + line);
  if (status) status.textContent = line;
}

let iceServers = [];
let ws;
/** One peer connection per share: shareId -> { pc, peer, shareId, chain, ready, pending, channel, stream } */
const peers = new Map();

function send(frame) {
  if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame));
}
let refs = 0;
/** ref -> the peer connection entry a signal frame was sent for, to tear it down if refused. */
const sentFor = new Map();
function signal(entry, kind, payload) {
  const ref = 'sig-' + (++refs);
  sentFor.set(ref, entry);
  if (sentFor.size > 200) sentFor.delete(sentFor.keys().next().value);
  send({ type: 'signal', sessionId: sessionId, to: entry.peer, media: 'desktop', shareId: entry.shareId, kind: kind, payload: payload, ref: ref });
}

async function loadIceServers() {
  const res = await fetch('/api/v1/ice-servers', { headers: { authorization: 'Bearer ' + token } });
  if (!res.ok) throw new Error('GET /api/v1/ice-servers: HTTP ' + res.status);
  const body = await res.json();
  T.iceServers = body.iceServers;
  return body.iceServers;
}

function connect() {
  return new Promise(function (resolve, reject) {
    const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
    ws = new WebSocket(scheme + location.host + '/signalling?access_token=' + encodeURIComponent(token));
    ws.onopen = function () { send({ type: 'join', sessionId: sessionId }); };
    ws.onmessage = function (event) {
      let frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      if (frame.type === 'joined') {
        T.joined = true; T.you = frame.you; T.participants = frame.participants;
        log('joined session ' + frame.sessionId + ' as ' + frame.you);
        resolve();
      } else if (frame.type === 'error') {
        T.errors.push({ code: frame.code, message: frame.message });
        log('error ' + frame.code + ': ' + frame.message);
        // A refused signal (no approved share any more, SHR-4): that peer connection goes no further.
        const refused = frame.ref !== undefined ? sentFor.get(frame.ref) : undefined;
        if (refused && peers.get(refused.shareId) === refused) closePeer(refused.shareId);
        if (!T.joined) reject(new Error(frame.code + ': ' + frame.message));
      } else if (frame.type === 'signal') {
        onSignal(frame);
      } else if (frame.type === 'close-media') {
        onCloseMedia(frame);
      }
    };
    ws.onclose = function (event) {
      T.socketClosed = { code: event.code, reason: event.reason };
      log('signalling socket closed ' + event.code);
      if (!T.joined) reject(new Error('signalling socket closed ' + event.code));
    };
  });
}

function newPeer(shareId, peer) {
  const pc = new RTCPeerConnection({ iceServers: iceServers });
  const entry = { pc: pc, peer: peer, shareId: shareId, chain: Promise.resolve(), ready: false, pending: [], channel: null, stream: null };
  peers.set(shareId, entry);
  T.shareId = shareId;
  T.connectionState = 'new';
  pc.onicecandidate = function (event) {
    if (!event.candidate) return;
    // Candidates follow the offer/answer they belong to.
    if (entry.ready) signal(entry, 'candidate', event.candidate.toJSON());
    else entry.pending.push(event.candidate.toJSON());
  };
  pc.onconnectionstatechange = function () {
    if (peers.get(shareId) !== entry) return;
    T.connectionState = pc.connectionState;
    log('peer connection ' + pc.connectionState);
  };
  return entry;
}
function described(entry) {
  entry.ready = true;
  for (const candidate of entry.pending.splice(0)) signal(entry, 'candidate', candidate);
}
function closePeer(shareId) {
  const entry = peers.get(shareId);
  if (!entry) return false;
  peers.delete(shareId);
  if (entry.stream) entry.stream.getTracks().forEach(function (track) { track.stop(); });
  entry.pc.close();
  T.connectionState = 'closed';
  return true;
}

function useChannel(entry, channel) {
  entry.channel = channel;
  channel.onopen = function () {
    T.channelOpen = true;
    sendData('hello from ' + role);
  };
  channel.onmessage = function (event) {
    T.dataReceived.push(String(event.data));
    // The CSR page echoes what the customer sends, so both directions are seen on both ends.
    if (role === 'csr' && String(event.data).indexOf('echo: ') !== 0) sendData('echo: ' + event.data);
  };
  channel.onclose = function () { T.channelOpen = false; };
}
function sendData(text) {
  const entry = peers.get(T.shareId);
  if (!entry || !entry.channel || entry.channel.readyState !== 'open') return false;
  entry.channel.send(text);
  T.dataSent.push(text);
  return true;
}

/** CUSTOMER: send the screen for an approved desktop share to the controlling CSR. */
async function share(shareId) {
  const controller = T.participants.find(function (p) { return p.place === 'controller'; });
  if (!controller) throw new Error('no controlling CSR in this session');
  closePeer(shareId);
  const stream = await navigator.mediaDevices.getDisplayMedia({ video: true });
  const entry = newPeer(shareId, controller.userId);
  entry.stream = stream;
  stream.getTracks().forEach(function (track) { entry.pc.addTrack(track, stream); });
  useChannel(entry, entry.pc.createDataChannel('tandem'));
  const offer = await entry.pc.createOffer();
  await entry.pc.setLocalDescription(offer);
  signal(entry, 'offer', { type: offer.type, sdp: offer.sdp });
  T.offersSent += 1;
  described(entry);
  log('offered share ' + shareId + ' to ' + controller.userId);
}

function onSignal(frame) {
  T.signals.push({ from: frame.from, media: frame.media, shareId: frame.shareId, kind: frame.kind });
  if (frame.media !== 'desktop' || !frame.shareId) return;
  let entry = peers.get(frame.shareId);
  if (frame.kind === 'offer') {
    if (role !== 'csr') return; // in a view share the customer offers, the CSR answers
    closePeer(frame.shareId);
    entry = newPeer(frame.shareId, frame.from);
    const mine = entry;
    mine.pc.ontrack = function (event) { showRemote(mine, event.streams[0] || new MediaStream([event.track])); };
    mine.pc.ondatachannel = function (event) { useChannel(mine, event.channel); };
  }
  if (!entry || entry.peer !== frame.from) return;
  const pc = entry.pc;
  entry.chain = entry.chain.then(async function () {
    if (frame.kind === 'offer') {
      await pc.setRemoteDescription(frame.payload);
      const answer = await pc.createAnswer();
      await pc.setLocalDescription(answer);
      signal(entry, 'answer', { type: answer.type, sdp: answer.sdp });
      described(entry);
    } else if (frame.kind === 'answer') {
      await pc.setRemoteDescription(frame.payload);
    } else if (frame.kind === 'candidate') {
      await pc.addIceCandidate(frame.payload);
    }
  }).catch(function (error) {
    if (pc.signalingState === 'closed') return;
    T.errors.push({ code: 'PAGE', message: String((error && error.message) || error) });
    log('page error: ' + error);
  });
}

function onCloseMedia(frame) {
  T.closed.push({ media: frame.media, shareId: frame.shareId, reason: frame.reason });
  log('close-media ' + frame.media + ' ' + (frame.shareId || '') + ': ' + frame.reason);
  if (frame.shareId) closePeer(frame.shareId);
  else if (frame.media === 'desktop') Array.from(peers.keys()).forEach(closePeer);
  const video = document.getElementById('remote');
  if (video && frame.shareId && frame.shareId === T.shareId) video.srcObject = null;
}

/** CSR: show the customer's screen and count what is decoded. */
function showRemote(entry, stream) {
  const video = document.getElementById('remote');
  video.srcObject = stream;
  video.play().catch(function () {});
  if (video.requestVideoFrameCallback) {
    const onFrame = function () {
      if (peers.get(entry.shareId) !== entry) return;
      T.frameCallbacks += 1;
      T.videoWidth = video.videoWidth; T.videoHeight = video.videoHeight;
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  }
  const timer = setInterval(async function () {
    if (peers.get(entry.shareId) !== entry) return clearInterval(timer);
    const stats = await entry.pc.getStats();
    stats.forEach(function (report) {
      if (report.type === 'inbound-rtp' && report.kind === 'video') T.framesDecoded = report.framesDecoded || 0;
    });
    T.videoWidth = video.videoWidth; T.videoHeight = video.videoHeight;
  }, 250);
  log('receiving the customer screen');
}

T.share = share;
T.send = sendData;

(async function start() {
  try {
    if (!token || !sessionId) throw new Error('the page needs ?token=<JWT>&session=<id>');
    iceServers = await loadIceServers();
    await connect();
    T.ready = true;
    const shareId = params.get('share');
    if (role === 'customer' && shareId) await share(shareId);
  } catch (error) {
    T.fatal = String((error && error.message) || error);
    log('failed: ' + T.fatal);
  }
})();
`;

function page(role: 'csr' | 'customer', title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 1.5rem; }
  video { width: 640px; max-width: 100%; background: #111; }
  #status { color: #555; }
</style>
</head>
<body data-role="${role}">
<h1>${title}</h1>
<p id="status">starting…</p>
${body}
<script type="module" src="/pages/tandem-rtc.js"></script>
</body>
</html>
`;
}

export const CSR_HTML = page('csr', 'Tandem: customer screen', '<video id="remote" autoplay muted playsinline></video>');
export const CUSTOMER_HTML = page('customer', 'Tandem: share your screen', '<p>Your screen is sent to the support agent while the share you approved lasts.</p>');
