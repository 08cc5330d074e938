// One agent: talk to it, run its tests, edit it, archive it. Also the "new agent" page.
import { api, get } from '../api.js';
import { dateTime } from '../format.js';
import { h, replace } from '../h.js';
import { loadMeta } from '../meta.js';
import { badge, errorBox, link, loading } from '../ui.js';
import { agentForm, NEW_AGENT } from './agent-form.js';
import { agentTestsPanel } from './agent-tests.js';
import { webCallPanel } from './web-call.js';

export async function newAgentPage(main, { signal }) {
  replace(main, h('h1', {}, 'New agent'), loading());
  const meta = await loadMeta(signal);
  const { form } = agentForm({
    agent: NEW_AGENT,
    meta,
    isNew: true,
    submitLabel: 'Create agent',
    onSubmit: async (body) => {
      const { data } = await api('POST', '/agents', { body });
      location.hash = `#/agents/${encodeURIComponent(data.agent_id)}?created=1`;
    },
  });
  replace(
    main,
    h('p', { class: 'crumbs' }, link('#/agents', 'Agents'), ' / New'),
    h('h1', {}, 'New agent'),
    form,
  );
}

export async function agentPage(main, { params: [agentId], query, signal }) {
  replace(main, h('h1', {}, 'Agent'), loading());
  const [meta, loaded] = await Promise.all([
    loadMeta(signal),
    get(`/agents/${encodeURIComponent(agentId)}`, { signal }),
  ]);
  let agent = loaded;
  const heading = h('h1', {}, agent.name);
  const statusBadge = h('span', {}, badge(agent.status));
  const updated = h('span', { class: 'sub' });
  const showMeta = () => {
    replace(heading, agent.name);
    replace(statusBadge, badge(agent.status));
    replace(updated, `version ${agent.version}, updated ${dateTime(agent.updated_at)}`);
  };
  showMeta();
  const notice = h(
    'p',
    { class: 'form-message', role: 'status' },
    query.get('created') ? 'Agent created.' : '',
  );

  const talk = webCallPanel({ agent, signal });
  const archiveMessage = h('p', { role: 'status', class: 'form-message' });
  const archive = h(
    'button',
    {
      type: 'button',
      class: 'danger',
      disabled: agent.status === 'archived',
      onclick: async () => {
        if (!window.confirm(`Archive ${agent.name}? It stops taking calls but stays readable.`)) return;
        try {
          const { data } = await api('DELETE', `/agents/${encodeURIComponent(agent.agent_id)}`, {
            headers: { 'if-match': `"${agent.version}"` },
          });
          agent = data;
          showMeta();
          archive.disabled = true;
          archiveMessage.textContent = 'Agent archived.';
        } catch (error) {
          replace(archiveMessage, errorBox(error));
        }
      },
    },
    'Archive agent',
  );

  const { form } = agentForm({
    agent,
    meta,
    isNew: false,
    submitLabel: 'Save changes',
    onSubmit: async (body) => {
      const { data } = await api('PUT', `/agents/${encodeURIComponent(agent.agent_id)}`, {
        body,
        headers: { 'if-match': `"${agent.version}"` },
      });
      agent = data;
      showMeta();
    },
  });

  replace(
    main,
    h('p', { class: 'crumbs' }, link('#/agents', 'Agents'), ' / ', agent.agent_id),
    h('div', { class: 'page-head' }, heading, statusBadge),
    h('p', {}, updated),
    notice,
    h(
      'div',
      { class: 'toolbar' },
      link(`#/calls?agent_id=${encodeURIComponent(agent.agent_id)}`, 'Calls with this agent'),
      archive,
    ),
    archiveMessage,
    talk.element,
    agentTestsPanel({ agent, signal }),
    h('section', { 'aria-labelledby': 'edit-heading' }, h('h2', { id: 'edit-heading' }, 'Settings'), form),
  );
  return talk.cleanup;
}
