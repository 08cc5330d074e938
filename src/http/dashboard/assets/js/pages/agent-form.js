// The agent form: every writable field, validated by the server; each 400 issue appears next to
// the field it names. Language and voice are linked: the voice list is the language's voices.
import { api } from '../api.js';
import { h } from '../h.js';
import { jsonListEditor } from '../json-list-editor.js';
import { rowsEditor } from '../rows.js';
import { clearErrors, field, select, showErrors } from '../ui.js';

const text = (value, attrs = {}) => h('input', { type: 'text', value: value ?? '', ...attrs });
const area = (value, rows = 3) => h('textarea', { rows, value: value ?? '' });
const number = (value, attrs) => h('input', { type: 'number', value: value ?? '', ...attrs });
const checkbox = (checked) => h('input', { type: 'checkbox', checked: Boolean(checked) });

// Empty optional inputs are left out, so the server applies its default (or removes the field).
const optional = (control) => (control.value.trim() === '' ? undefined : control.value);
const readNumber = (control) => {
  const raw = control.value.trim();
  if (raw === '') return undefined;
  const value = Number(raw);
  return Number.isNaN(value) ? raw : value;
};
const lines = (control) =>
  control.value
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);

export const NEW_AGENT = {
  name: '',
  language: 'en-US',
  voice: 'Polly.Joanna-Neural',
  greeting: 'Hi! How can I help you today?',
  prompt: 'You are a helpful phone agent. Keep every reply to one or two short spoken sentences.',
  status: 'active',
  data_to_fill: [],
  few_shot: [],
  end_call_phrases: ['goodbye', 'bye'],
  transfer_targets: [],
  confidence_threshold: 0.7,
  max_call_seconds: 900,
  silence_reprompts: 2,
  memory: 'verified',
};

// Labels for the agent's memory policies (domain/agent.ts MEMORY_POLICIES, listed by /meta/enums).
const MEMORY_LABELS = {
  verified: 'Verified numbers only',
  any: 'Any valid number (private line)',
  off: 'Off',
};

// The providers ConversationRelay takes (domain/agent.ts RELAY_TTS_PROVIDERS, RELAY_TRANSCRIPTION_PROVIDERS).
const TTS_PROVIDERS = [
  ['', 'From the voice'],
  ['Amazon', 'Amazon'],
  ['Google', 'Google'],
  ['ElevenLabs', 'ElevenLabs'],
];
const TRANSCRIPTION_PROVIDERS = [
  ['', 'Twilio default'],
  ['Google', 'Google'],
  ['Deepgram', 'Deepgram'],
];

// What "Add a tool" starts from: the shape of an HTTP tool (domain/agent-tools.ts).
const BLANK_TOOL = {
  type: 'http',
  name: 'lookup_order',
  description: 'Find an order by its number',
  parameters: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] },
  request: {
    method: 'GET',
    url: 'https://api.example.com/orders/{order_id}',
    headers: { Authorization: 'Bearer {{secret.ORDERS_API_TOKEN}}' },
  },
  timeout_ms: 4000,
  filler: 'Let me look that up.',
};
const BLANK_MCP_SERVER = {
  name: 'crm',
  url: 'https://mcp.example.com/mcp',
  headers: { Authorization: 'Bearer {{secret.CRM_TOKEN}}' },
  allowed_tools: ['find_customer'],
};

/** Under a saved agent's tool: sample arguments, "Try it", and the masked answer. */
function tryPanel(agentId, editor) {
  const args = h('textarea', { rows: 2, spellcheck: 'false', value: '{}' });
  const output = h('pre', { class: 'tool-try-output', role: 'status' });
  const button = h(
    'button',
    {
      type: 'button',
      class: 'secondary',
      onclick: async () => {
        let name;
        let sample;
        try {
          name = JSON.parse(editor.value).name;
          sample = JSON.parse(args.value || '{}');
        } catch (error) {
          output.textContent = `Not valid JSON: ${error.message}`;
          return;
        }
        output.textContent = 'Running…';
        button.disabled = true;
        try {
          const path = `/agents/${encodeURIComponent(agentId)}/tools/${encodeURIComponent(name)}/try`;
          const { data } = await api('POST', path, { body: { arguments: sample } });
          output.textContent = JSON.stringify(data, null, 2);
        } catch (error) {
          const issues = (error.issues ?? []).map((i) => `${i.field}: ${i.message}`).join('\n');
          output.textContent = issues || error.message;
        } finally {
          button.disabled = false;
        }
      },
    },
    'Try it',
  );
  return h(
    'div',
    { class: 'tool-try' },
    field('Sample arguments (JSON)', args, {
      hint: 'Runs the saved version of this tool against its real endpoint; the answer is shown masked.',
    }),
    button,
    output,
  );
}

function voiceOptions(voiceSelect, languages, language, current) {
  const voices = languages.find((l) => l.code === language)?.voices ?? [];
  const keep = voices.includes(current) ? current : voices[0];
  voiceSelect.replaceChildren(
    ...voices.map((voice) => h('option', { value: voice, selected: voice === keep }, voice)),
  );
}

/** { form, read() } for `agent`; `onSubmit(body)` saves, and its errors are shown in the form. */
export function agentForm({ agent, meta, isNew, submitLabel, onSubmit }) {
  const c = {
    agent_id: text('', { autocomplete: 'off', spellcheck: 'false' }),
    name: text(agent.name, { autocomplete: 'off' }),
    status: select(meta.enums.agent_statuses, { value: agent.status }),
    language: select(
      meta.languages.map((l) => [l.code, `${l.name} (${l.code})`]),
      { value: agent.language },
    ),
    voice: h('select'),
    greeting: area(agent.greeting, 2),
    prompt: area(agent.prompt, 8),
    end_call_phrases: area((agent.end_call_phrases ?? []).join('\n'), 3),
    confidence_threshold: number(agent.confidence_threshold, { step: '0.05', min: '0', max: '1' }),
    max_call_seconds: number(agent.max_call_seconds, { step: '1', min: '30' }),
    silence_reprompts: number(agent.silence_reprompts, { step: '1', min: '0', max: '5' }),
    silence_prompt: area(agent.silence_prompt, 2),
    closing_line: area(agent.closing_line, 2),
    voicemail_message: area(agent.voicemail_message, 2),
    transport: select([['', 'Server default'], ...meta.enums.transports], { value: agent.transport ?? '' }),
    memory: select(
      meta.enums.memory_policies.map((policy) => [policy, MEMORY_LABELS[policy] ?? policy]),
      { value: agent.memory ?? 'verified' },
    ),
    llm_provider: select([['', 'Server default'], ...meta.enums.llm_providers], {
      value: agent.llm?.provider ?? '',
    }),
    llm_model: text(agent.llm?.model, { autocomplete: 'off', spellcheck: 'false' }),
    llm_temperature: number(agent.llm?.temperature, { step: '0.1', min: '0', max: '2' }),
    llm_fallback_provider: select([['', 'Server default'], ...meta.enums.llm_providers], {
      value: agent.llm?.fallback?.provider ?? '',
    }),
    llm_fallback_model: text(agent.llm?.fallback?.model, { autocomplete: 'off', spellcheck: 'false' }),
    webhook_url: h('input', { type: 'url', value: agent.webhook_url ?? '', autocomplete: 'off' }),
    timezone: text(agent.timezone, { autocomplete: 'off', placeholder: 'e.g. Asia/Kolkata' }),
    relay_tts_provider: select(TTS_PROVIDERS, { value: agent.relay?.tts_provider ?? '' }),
    relay_voice: text(agent.relay?.voice, {
      autocomplete: 'off',
      spellcheck: 'false',
      placeholder: 'e.g. en-US-Journey-O',
    }),
    relay_transcription_provider: select(TRANSCRIPTION_PROVIDERS, {
      value: agent.relay?.transcription_provider ?? '',
    }),
  };
  voiceOptions(c.voice, meta.languages, agent.language, agent.voice);
  if (agent.voice && ![...c.voice.options].some((o) => o.value === agent.voice)) {
    c.voice.prepend(
      h('option', { value: agent.voice, selected: true }, `${agent.voice} (not for this language)`),
    );
  }
  c.language.addEventListener('change', () =>
    voiceOptions(c.voice, meta.languages, c.language.value, c.voice.value),
  );

  const dataRows = rowsEditor({
    path: 'data_to_fill',
    legend: 'Field',
    addLabel: 'Add a field to collect',
    items: agent.data_to_fill,
    blank: () => ({ name: '', type: 'text', required: true, description: '' }),
    columns: [
      {
        key: 'name',
        label: 'Name',
        make: (v) => text(v, { spellcheck: 'false' }),
        read: (el) => el.value.trim(),
      },
      {
        key: 'type',
        label: 'Type',
        make: (v) => select(meta.fieldTypes, { value: v ?? 'text' }),
        read: (el) => el.value,
      },
      { key: 'required', label: 'Required', make: (v) => checkbox(v ?? true), read: (el) => el.checked },
      { key: 'description', label: 'Description', make: (v) => text(v), read: (el) => el.value },
      {
        key: 'options',
        label: 'Options (enum only, comma-separated)',
        make: (v) => text((v ?? []).join(', ')),
        read: (el) => {
          const values = el.value
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean);
          return values.length ? values : undefined;
        },
      },
    ],
  });
  const fewShotRows = rowsEditor({
    path: 'few_shot',
    legend: 'Example',
    addLabel: 'Add an example exchange',
    items: agent.few_shot,
    blank: () => ({ user: '', assistant: '' }),
    columns: [
      { key: 'user', label: 'Caller says', make: (v) => area(v, 2), read: (el) => el.value },
      { key: 'assistant', label: 'Agent answers', make: (v) => area(v, 2), read: (el) => el.value },
    ],
  });
  const transferRows = rowsEditor({
    path: 'transfer_targets',
    legend: 'Transfer target',
    addLabel: 'Add a transfer target',
    items: agent.transfer_targets,
    blank: () => ({ id: '', target: '', description: '' }),
    columns: [
      {
        key: 'id',
        label: 'Id',
        make: (v) => text(v, { spellcheck: 'false' }),
        read: (el) => el.value.trim(),
      },
      {
        key: 'target',
        label: 'Number or SIP URI',
        make: (v) => text(v, { spellcheck: 'false' }),
        read: (el) => el.value.trim(),
      },
      { key: 'description', label: 'When to transfer', make: (v) => text(v), read: (el) => el.value },
    ],
  });

  const toolList = jsonListEditor({
    path: 'tools',
    legend: 'Tool',
    addLabel: 'Add a tool',
    items: agent.tools ?? [],
    blank: () => structuredClone(BLANK_TOOL),
    hint: 'An HTTP tool: name, description, parameters (a JSON Schema), request (method, url, query, headers, body with {argument} and {{secret.NAME}} placeholders), timeout_ms, filler.',
    extra: isNew ? undefined : (editor) => tryPanel(agent.agent_id, editor),
  });
  const mcpList = jsonListEditor({
    path: 'mcp_servers',
    legend: 'MCP server',
    addLabel: 'Add an MCP server',
    items: agent.mcp_servers ?? [],
    blank: () => structuredClone(BLANK_MCP_SERVER),
    hint: 'A streamable HTTP MCP server: name, url, headers, allowed_tools (the only tools the model is offered).',
  });
  const shareCallerPhone = checkbox(agent.tools_share_caller_phone);

  const relayLanguageRows = rowsEditor({
    path: 'relay.languages',
    legend: 'Language',
    addLabel: 'Add a language the caller may switch to',
    items: agent.relay?.languages ?? [],
    blank: () => ({ code: '' }),
    columns: [
      {
        key: 'code',
        label: 'Code',
        make: (v) => text(v, { spellcheck: 'false', placeholder: 'e.g. hi-IN' }),
        read: (el) => el.value.trim(),
      },
      {
        key: 'voice',
        label: 'Voice',
        make: (v) => text(v, { spellcheck: 'false' }),
        read: (el) => el.value.trim() || undefined,
      },
      {
        key: 'tts_provider',
        label: 'Speech provider',
        make: (v) => select(TTS_PROVIDERS, { value: v ?? '' }),
        read: (el) => el.value || undefined,
      },
      {
        key: 'transcription_provider',
        label: 'Transcription provider',
        make: (v) => select(TRANSCRIPTION_PROVIDERS, { value: v ?? '' }),
        read: (el) => el.value || undefined,
      },
    ],
  });

  function read() {
    const languages = relayLanguageRows.read();
    const relay = {
      tts_provider: optional(c.relay_tts_provider),
      voice: optional(c.relay_voice),
      transcription_provider: optional(c.relay_transcription_provider),
      languages: languages.length ? languages : undefined,
    };
    const llm = {
      provider: optional(c.llm_provider),
      model: optional(c.llm_model),
      temperature: readNumber(c.llm_temperature),
      fallback: optional(c.llm_fallback_provider)
        ? { provider: c.llm_fallback_provider.value, model: optional(c.llm_fallback_model) }
        : undefined,
    };
    const tools = toolList.read();
    const mcpServers = mcpList.read();
    const body = {
      ...(isNew && optional(c.agent_id) ? { agent_id: c.agent_id.value.trim() } : {}),
      name: c.name.value,
      status: c.status.value,
      language: c.language.value,
      voice: c.voice.value,
      greeting: c.greeting.value,
      prompt: c.prompt.value,
      data_to_fill: dataRows.read(),
      few_shot: fewShotRows.read(),
      end_call_phrases: lines(c.end_call_phrases),
      transfer_targets: transferRows.read(),
      confidence_threshold: readNumber(c.confidence_threshold),
      max_call_seconds: readNumber(c.max_call_seconds),
      silence_reprompts: readNumber(c.silence_reprompts),
      silence_prompt: optional(c.silence_prompt),
      closing_line: optional(c.closing_line),
      voicemail_message: optional(c.voicemail_message),
      transport: optional(c.transport),
      memory: c.memory.value,
      webhook_url: optional(c.webhook_url),
      timezone: optional(c.timezone),
      llm: Object.values(llm).some((v) => v !== undefined) ? llm : undefined,
      relay: Object.values(relay).some((v) => v !== undefined) ? relay : undefined,
      tools: tools.length ? tools : undefined,
      mcp_servers: mcpServers.length ? mcpServers : undefined,
      tools_share_caller_phone: shareCallerPhone.checked || undefined,
    };
    return JSON.parse(JSON.stringify(body));
  }

  const status = h('p', { class: 'form-message', role: 'status' });
  const submit = h('button', { type: 'submit' }, submitLabel);
  const form = h(
    'form',
    {
      class: 'agent-form',
      novalidate: true,
      onsubmit: async (event) => {
        event.preventDefault();
        clearErrors(form);
        status.textContent = 'Saving…';
        submit.disabled = true;
        try {
          await onSubmit(read());
          status.textContent = 'Saved.';
        } catch (error) {
          status.textContent = '';
          showErrors(form, error);
        } finally {
          submit.disabled = false;
        }
      },
    },
    h('div', { class: 'form-summary', role: 'alert', tabindex: '-1' }),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Basics'),
      isNew
        ? field('Agent id (optional)', c.agent_id, {
            path: 'agent_id',
            hint: 'Letters, digits, "-" and "_". Left empty, one is generated.',
          })
        : null,
      field('Name', c.name, { path: 'name' }),
      field('Status', c.status, { path: 'status', hint: 'Inactive agents take no phone calls.' }),
      field('Language', c.language, { path: 'language' }),
      field('Voice', c.voice, { path: 'voice', hint: 'Only voices that speak the chosen language.' }),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, 'What it says'),
      field('Greeting', c.greeting, { path: 'greeting', hint: 'Spoken as soon as the call starts.' }),
      field('Prompt', c.prompt, { path: 'prompt', hint: 'Instructions for the model.' }),
      field('Closing line', c.closing_line, { path: 'closing_line' }),
      field('Silence prompt', c.silence_prompt, {
        path: 'silence_prompt',
        hint: 'Said when the caller is quiet.',
      }),
      field('Voicemail message', c.voicemail_message, { path: 'voicemail_message' }),
      field('End-call phrases', c.end_call_phrases, { path: 'end_call_phrases', hint: 'One per line.' }),
    ),
    h('fieldset', {}, h('legend', {}, 'Data to collect'), dataRows.element),
    h('fieldset', {}, h('legend', {}, 'Example exchanges'), fewShotRows.element),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Call handling'),
      h(
        'div',
        { class: 'grid' },
        field('Confidence threshold (0–1)', c.confidence_threshold, { path: 'confidence_threshold' }),
        field('Longest call (seconds)', c.max_call_seconds, { path: 'max_call_seconds' }),
        field('Silence re-prompts', c.silence_reprompts, { path: 'silence_reprompts' }),
        field('Transport', c.transport, { path: 'transport' }),
        field('Time zone', c.timezone, { path: 'timezone' }),
        field('Memory of past calls', c.memory, {
          path: 'memory',
          hint: 'Verified: numbers we dialled or the network verified. Never withheld numbers.',
        }),
      ),
    ),
    h(
      'fieldset',
      { dataset: { field: 'llm' } },
      h('legend', {}, 'Model'),
      h(
        'div',
        { class: 'grid' },
        field('Provider', c.llm_provider, { path: 'llm.provider' }),
        field('Model', c.llm_model, { path: 'llm.model' }),
        field('Temperature (0–2)', c.llm_temperature, { path: 'llm.temperature' }),
        field('Fallback provider', c.llm_fallback_provider, {
          path: 'llm.fallback.provider',
          hint: 'Answers a turn when the model fails. "scripted" turns the server’s fallback off.',
        }),
        field('Fallback model', c.llm_fallback_model, { path: 'llm.fallback.model' }),
      ),
    ),
    h(
      'fieldset',
      { dataset: { field: 'relay' } },
      h('legend', {}, 'Streaming speech (relay transport)'),
      h(
        'div',
        { class: 'grid' },
        field('Speech provider', c.relay_tts_provider, {
          path: 'relay.tts_provider',
          hint: 'Left on "From the voice", Polly voices use Amazon and Google voices use Google.',
        }),
        field('Provider voice', c.relay_voice, {
          path: 'relay.voice',
          hint: "The provider's own voice name; empty uses the agent's voice.",
        }),
        field('Transcription provider', c.relay_transcription_provider, {
          path: 'relay.transcription_provider',
        }),
      ),
      relayLanguageRows.element,
    ),
    h(
      'fieldset',
      { dataset: { field: 'tools' } },
      h('legend', {}, 'Tools'),
      h(
        'p',
        { class: 'hint' },
        "The business's own systems the model may call. Secrets are named ({{secret.NAME}}), never written here: the server reads TOOL_SECRET_NAME.",
      ),
      toolList.element,
      h('h3', {}, 'MCP servers'),
      mcpList.element,
      field('Tools may receive the caller’s number ({{caller.phone}})', shareCallerPhone, {
        path: 'tools_share_caller_phone',
      }),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Transfers and webhook'),
      transferRows.element,
      field('End-of-call webhook URL', c.webhook_url, { path: 'webhook_url' }),
    ),
    h('div', { class: 'actions' }, submit, status),
  );
  return { form, read };
}
