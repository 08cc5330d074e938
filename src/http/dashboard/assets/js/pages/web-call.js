// "Talk to this agent": a web call through the same engine and stores as a phone call. Typed text
// always; the microphone and spoken replies only where the browser has speech recognition and
// synthesis.
import { api } from '../api.js';
import { append, h, replace } from '../h.js';
import { field, link } from '../ui.js';

const Recognition = window.SpeechRecognition ?? window.webkitSpeechRecognition;

function speak(text, language) {
  if (!('speechSynthesis' in window)) return;
  const utterance = new SpeechSynthesisUtterance(text);
  utterance.lang = language;
  const voice = speechSynthesis
    .getVoices()
    .find((v) => v.lang === language || v.lang.startsWith(language.slice(0, 2)));
  if (voice) utterance.voice = voice;
  speechSynthesis.speak(utterance);
}

export function webCallPanel({ agent }) {
  const state = { sid: undefined, ended: false, busy: false, recognition: undefined };
  const log = h('ol', { class: 'chat', role: 'log', 'aria-live': 'polite', 'aria-label': 'Conversation' });
  const collected = h('dl', { class: 'collected' });
  // Shown once the call has collected something: an empty heading before the call reads as broken.
  const collectedSection = h('div', { hidden: true }, h('h3', {}, 'Data collected'), collected);
  const status = h('p', { class: 'form-message', role: 'status' });
  const input = h('input', { type: 'text', autocomplete: 'off', disabled: true, maxlength: '2000' });
  const send = h('button', { type: 'submit', disabled: true }, 'Send');
  const start = h('button', { type: 'button', onclick: () => begin() }, 'Start web call');
  const hangUp = h(
    'button',
    { type: 'button', class: 'danger', hidden: true, onclick: () => finish() },
    'Hang up',
  );
  const speakReplies = h('input', { type: 'checkbox', checked: false });
  const mic = Recognition
    ? h('button', { type: 'button', class: 'secondary', disabled: true, onclick: () => listen() }, 'Speak')
    : null;

  const say = (who, text) => {
    append(
      log,
      h(
        'li',
        { class: `bubble bubble-${who}` },
        h('span', { class: 'who' }, who === 'agent' ? 'Agent' : 'You'),
        h('p', {}, text),
      ),
    );
    log.scrollTop = log.scrollHeight;
  };

  function showCollected(data) {
    const entries = Object.entries(data ?? {});
    collectedSection.hidden = entries.length === 0;
    replace(
      collected,
      entries.length === 0
        ? null
        : entries.map(([name, item]) => [
            h('dt', {}, name),
            h('dd', {}, String(item.value), h('span', { class: 'sub' }, ` (turn ${item.turn})`)),
          ]),
    );
  }

  function setInputEnabled(enabled) {
    input.disabled = !enabled;
    send.disabled = !enabled;
    if (mic) mic.disabled = !enabled;
  }

  function showEnded(endedBy) {
    state.ended = true;
    setInputEnabled(false);
    hangUp.hidden = true;
    start.hidden = false;
    start.textContent = 'Start another web call';
    replace(
      status,
      endedBy ? `The call ended (${endedBy.replaceAll('_', ' ')}). ` : 'The call ended. ',
      link(`#/calls/${encodeURIComponent(state.sid)}`, 'Open the call page'),
    );
  }

  async function begin() {
    start.disabled = true;
    replace(log);
    showCollected({});
    status.textContent = 'Calling…';
    try {
      const { data } = await api('POST', '/web-calls', { body: { agent_id: agent.agent_id } });
      Object.assign(state, { sid: data.call_sid, ended: false });
      start.hidden = true;
      hangUp.hidden = false;
      form.hidden = false;
      status.textContent = 'Connected. Type a message, then press Enter.';
      say('agent', data.greeting);
      if (speakReplies.checked) speak(data.greeting, agent.language);
      setInputEnabled(true);
      input.focus();
    } catch (error) {
      status.textContent = `Could not start the call: ${error.message}`;
    } finally {
      start.disabled = false;
    }
  }

  async function message(text) {
    if (!state.sid || state.ended || state.busy || !text.trim()) return;
    state.busy = true;
    setInputEnabled(false);
    say('you', text);
    input.value = '';
    status.textContent = 'The agent is answering…';
    try {
      const { data } = await api('POST', `/web-calls/${encodeURIComponent(state.sid)}/messages`, {
        body: { text },
      });
      say('agent', data.reply);
      if (speakReplies.checked) speak(data.reply, agent.language);
      showCollected(data.data_collected);
      if (data.ended) showEnded(data.ended_by);
      else {
        status.textContent = '';
        setInputEnabled(true);
        input.focus();
      }
    } catch (error) {
      status.textContent = `The message failed: ${error.message}`;
      if (error.status === 409) showEnded();
      else setInputEnabled(true);
    } finally {
      state.busy = false;
    }
  }

  async function finish() {
    if (!state.sid || state.ended) return;
    try {
      const { data } = await api('POST', `/web-calls/${encodeURIComponent(state.sid)}/end`, { body: {} });
      showEnded(data.ended_by);
    } catch (error) {
      status.textContent = `Could not hang up: ${error.message}`;
    }
  }

  function listen() {
    state.recognition?.abort();
    const recognition = new Recognition();
    recognition.lang = agent.language;
    recognition.interimResults = false;
    recognition.onresult = (event) => message(event.results[0][0].transcript);
    recognition.onerror = (event) => {
      status.textContent = `The microphone did not work (${event.error}).`;
    };
    recognition.onend = () => mic && (mic.textContent = 'Speak');
    state.recognition = recognition;
    mic.textContent = 'Listening…';
    recognition.start();
  }

  const form = h(
    'form',
    {
      class: 'chat-input',
      // Shown from the first call on: before it, a disabled message box only reads as broken.
      hidden: true,
      onsubmit: (event) => {
        event.preventDefault();
        message(input.value);
      },
    },
    field('Your message', input),
    send,
    mic,
  );

  // Leaving the page or closing the tab ends the call, so it does not stay "in progress".
  const onPageHide = () => {
    if (state.sid && !state.ended) {
      api('POST', `/web-calls/${encodeURIComponent(state.sid)}/end`, { body: {}, keepalive: true }).catch(
        () => undefined,
      );
    }
  };
  window.addEventListener('pagehide', onPageHide);

  const element = h(
    'section',
    { class: 'card talk', 'aria-labelledby': 'talk-heading' },
    h('h2', { id: 'talk-heading' }, 'Talk to this agent'),
    h(
      'p',
      { class: 'hint' },
      'A call from this browser, through the same engine as a phone call. It appears in the call list.',
    ),
    h(
      'div',
      { class: 'toolbar' },
      start,
      hangUp,
      'speechSynthesis' in window ? field('Speak replies aloud', speakReplies) : null,
    ),
    log,
    form,
    collectedSection,
    status,
  );
  return {
    element,
    cleanup: () => {
      window.removeEventListener('pagehide', onPageHide);
      state.recognition?.abort();
      if ('speechSynthesis' in window) speechSynthesis.cancel();
      onPageHide();
    },
  };
}
