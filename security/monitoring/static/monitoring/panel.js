/* The live monitoring panel: initial state from the page, live events from /ws/panel/.
   Plain JS, no build step. Actions go over HTTP (CSRF) to the alarm services; the socket is read-only. */
(function () {
  "use strict";
  const root = document.getElementById("panel");
  if (!root) return;
  const T = JSON.parse(document.getElementById("panel-strings").textContent);
  const csrf = root.querySelector("input[name=csrfmiddlewaretoken]").value;
  const alarms = new Map();
  const sections = {};
  let audio = null;
  let soundOn = false;

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "text") node.textContent = v;
      else if (k.startsWith("data-") || k === "class" || k === "role" || k === "src" || k === "alt" || k === "type") node.setAttribute(k, v);
      else node[k] = v;
    }
    for (const child of children || []) if (child) node.appendChild(child);
    return node;
  }
  // Always the site's zone on a 24-hour clock (never the browser's locale or zone): portal/ui.js.
  function time(iso) {
    return iso ? window.ui.time(iso) : "";
  }
  const label = (key) => T[key] || "";
  const kindLabel = (kind) => (T.kinds || {})[kind] || T.device;
  const reasonLabel = (reason) => (T.reasons || {})[reason] || (reason ? T.denied : "");
  const shortName = (id) => String(id || "").split("/").pop(); // "demo/gate-1" -> "gate-1": the site is the panel's own
  const who = (person) => (person && typeof person === "object" ? person.name : person);

  /* --- sound: a short beep from the Web Audio API (browsers allow it after a click) --- */
  let beeps = 0;
  function beep() {
    if (!soundOn) return;
    beeps += 1;
    audio = audio || new (window.AudioContext || window.webkitAudioContext)();
    const now = audio.currentTime;
    [0, 0.35].forEach((offset) => {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.type = "square";
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.15, now + offset);
      gain.gain.exponentialRampToValueAtTime(0.001, now + offset + 0.25);
      osc.connect(gain).connect(audio.destination);
      osc.start(now + offset);
      osc.stop(now + offset + 0.25);
    });
  }
  const soundButton = document.getElementById("sound-toggle");
  soundButton.addEventListener("click", () => {
    soundOn = !soundOn;
    soundButton.textContent = soundOn ? T.sound_on : T.sound_off;
    soundButton.classList.toggle("on", soundOn);
    if (soundOn) beep();
  });

  /* --- alarms --- */
  function banner() {
    const critical = [...alarms.values()].filter((a) => a.severity === "critical" && a.state === "new");
    const node = document.getElementById("critical-banner");
    node.hidden = critical.length === 0;
    node.textContent = critical.length ? `⚠ ${T.critical}: ${critical.map((a) => a.title).join(" · ")}` : "";
  }

  // Dispatch and resolve ask in a dialog (portal/ui.js), never window.prompt / window.alert.
  async function action(alarm, name) {
    const data = new FormData();
    if (name === "dispatch") {
      const to = await window.ui.dialog({ title: `${T.dispatch} · ${alarm.title}`, input: { label: T.dispatch_to, required: true }, confirm: T.dispatch });
      if (!to) return;
      data.append("dispatched_to", to);
    }
    if (name === "resolve") {
      const comment = await window.ui.dialog({
        title: `${T.resolve} · ${alarm.title}`, confirm: T.resolve,
        input: { label: alarm.comment_required ? T.resolve_comment : T.optional_comment, required: !!alarm.comment_required },
      });
      if (comment === null) return;
      data.append("comment", comment);
    }
    const url = root.dataset.actionUrl.replace("/0/acknowledge/", `/${alarm.id}/${name}/`);
    fetch(url, { method: "POST", body: data, headers: { "X-CSRFToken": csrf, Accept: "application/json" }, credentials: "same-origin" })
      .then((r) => r.json().then((body) => ({ ok: r.ok, body })))
      .then(({ ok, body }) => { if (!ok) window.ui.dialog({ title: T.action_failed, message: body.error || T.action_failed }); else upsert(body.alarm); })
      .catch(() => window.ui.dialog({ title: T.action_failed, message: T.disconnected }));
  }

  function workOrder(alarm) {
    const url = root.dataset.workOrderUrl.replace("/0/", `/${alarm.id}/`);
    fetch(url, { method: "POST", headers: { "X-CSRFToken": csrf, Accept: "application/json" }, credentials: "same-origin" })
      .then((r) => r.json().then((body) => ({ ok: r.ok, body })))
      .then(({ ok, body }) => { if (!ok) window.alert(body.error || "error"); else upsert(body.alarm); })
      .catch((err) => window.alert(String(err)));
  }

  function card(a) {
    const meta = [a.location, a.device, `${time(a.raised_at)}`, a.occurrences > 1 ? `×${a.occurrences} ${T.occurrences}` : ""]
      .filter(Boolean).join(" · ");
    const steps = [];
    if (a.acknowledged_by) steps.push(`${T.acknowledged_by} ${a.acknowledged_by} ${time(a.acknowledged_at)}`);
    if (a.dispatched_to) steps.push(`${T.dispatched_to} ${a.dispatched_to}`);
    if (a.work_order_ref) steps.push(`${T.work_order_ref} ${a.work_order_ref}`);
    if (a.restored_at) steps.push(`${T.restored} ${time(a.restored_at)}`);
    if (a.escalation_level) steps.push(`${T.escalated} ×${a.escalation_level}`);
    const buttons = [];
    if (a.state === "new") buttons.push(el("button", { type: "button", text: T.acknowledge, "data-action": "acknowledge", onclick: () => action(a, "acknowledge") }));
    if (a.state === "new" || a.state === "acknowledged") buttons.push(el("button", { type: "button", text: T.dispatch, "data-action": "dispatch", onclick: () => action(a, "dispatch") }));
    // One click opens a repair work order linked to the alarm (building.workorders, when installed).
    if (root.dataset.workOrderUrl && !a.work_order_ref && (a.state === "new" || a.state === "acknowledged")) {
      buttons.push(el("button", { type: "button", text: T.work_order, "data-action": "work_order", onclick: () => workOrder(a) }));
    }
    buttons.push(el("button", { type: "button", class: "resolve", text: T.resolve, "data-action": "resolve", onclick: () => action(a, "resolve") }));
    const shots = (a.snapshots || []).map((s) =>
      s.url ? el("img", { src: s.url, alt: s.camera, class: "snapshot", loading: "lazy" }) : el("small", { class: "muted", text: `${T.snapshot_failed}: ${s.camera}` }));
    return el("article", { class: `alarm sev-${a.severity} state-${a.state}`, "data-alarm-id": String(a.id), "data-state": a.state, "data-severity": a.severity }, [
      el("header", {}, [el("span", { class: "sev", text: label(a.severity) }), el("strong", { text: a.title }), el("span", { class: "state", text: label(a.state) })]),
      el("p", { class: "meta", text: meta }),
      steps.length ? el("p", { class: "steps", text: steps.join(" · ") }) : null,
      shots.length ? el("div", { class: "snapshots" }, shots) : null,
      el("div", { class: "actions" }, buttons),
    ]);
  }

  function renderAlarms() {
    const list = document.getElementById("alarm-list");
    const order = { critical: 0, major: 1, warning: 2, info: 3 };
    const open = [...alarms.values()].sort((x, y) => (order[x.severity] - order[y.severity]) || (y.raised_at > x.raised_at ? 1 : -1));
    list.replaceChildren(...(open.length ? open.map(card) : [el("p", { class: "muted", text: T.no_alarms })]));
    document.getElementById("alarm-count").textContent = String(open.length);
    banner();
  }

  function upsert(alarm) {
    if (alarm.state === "resolved") alarms.delete(alarm.id);
    else alarms.set(alarm.id, alarm);
    renderAlarms();
  }

  /* --- sections: devices, patrol, access; later panels add a renderer here --- */
  const renderers = {
    devices(items) {
      if (!items.length) return [el("p", { class: "muted", text: T.no_devices })];
      const sorted = [...items].sort((x, y) => (x.online - y.online) || x.name.localeCompare(y.name));
      return [el("ul", { class: "devices" }, sorted.map((d) =>
        el("li", { class: d.online ? "online" : "offline", "data-device": d.device, "data-online": String(d.online) }, [
          el("span", { class: "dot" }), el("span", { text: `${d.name} ` }), el("small", { text: `${kindLabel(d.kind)} ${d.location || ""} · ${d.online ? T.online : T.offline}` }),
        ])))];
    },
    patrol(rounds) {
      if (!rounds.length) return [el("p", { class: "muted", text: T.no_rounds })];
      return rounds.map((r) => el("div", { class: `round state-${r.state}`, "data-round-id": String(r.id) }, [
        el("p", {}, [el("strong", { text: r.route }), el("small", { text: ` ${time(r.planned_start)} · ${r.guard || ""} · ${label(r.state)}` })]),
        el("ol", { class: "visits" }, r.visits.map((v) => el("li", { class: `visit ${v.state}`, "data-state": v.state, title: (v.flags || []).join(", ") }, [
          el("span", { text: v.checkpoint }), el("small", { text: ` ${label(v.state)} ${time(v.scanned_at || v.due_at)}` }),
        ]))),
      ]));
    },
    access(items) {
      if (!items.length) return [el("p", { class: "muted", text: T.no_access })];
      return [el("ul", { class: "access" }, items.slice(0, 20).map((e) =>
        el("li", { class: `decision-${e.decision || ""}` }, [el("small", { text: time(e.at || e.created_at || e.decided_at) + " " }),
          el("span", { text: [who(e.person), shortName(e.gate || e.device), e.zone, label(`decision_${e.decision}`), e.decision === "open" ? "" : reasonLabel(e.reason)].filter(Boolean).join(" · ") })])))];
    },
  };
  function fallback(data) {
    const items = Array.isArray(data) ? data : Object.entries(data || {}).map(([k, v]) => ({ [k]: v }));
    return [el("ul", {}, items.map((i) => el("li", { text: typeof i === "string" ? i : JSON.stringify(i) })))];
  }
  function renderSection(key) {
    const body = document.getElementById(`section-${key}`);
    if (body) body.replaceChildren(...(renderers[key] || fallback)(sections[key] || []));
  }

  function applyState(state) {
    alarms.clear();
    state.alarms.forEach((a) => alarms.set(a.id, a));
    Object.assign(sections, state.sections);
    renderAlarms();
    Object.keys(sections).forEach(renderSection);
  }

  function apply(event) {
    const type = event.type || "";
    if (type.startsWith("alarm.")) {
      const known = alarms.get(event.alarm.id);
      upsert(event.alarm);
      const critical = event.alarm.severity === "critical";
      if (type === "alarm.raised" || type === "alarm.escalated" || (critical && !known && event.alarm.state === "new")) {
        if (critical || type === "alarm.escalated") beep();
      }
    } else if (type === "device.status" && sections.devices) {
      const found = sections.devices.find((d) => d.device === event.device);
      if (found) { found.online = event.online; } else sections.devices.push({ device: event.device, name: shortName(event.device), kind: event.kind, online: event.online, location: "" });
      renderSection("devices");
    } else if (type.startsWith("patrol.") && sections.patrol && event.round) {
      const rounds = sections.patrol.filter((r) => r.id !== event.round.id);
      if (event.round.state === "planned" || event.round.state === "in_progress") rounds.push(event.round);
      sections.patrol = rounds.sort((x, y) => (x.planned_start > y.planned_start ? 1 : -1));
      renderSection("patrol");
    } else if (type.startsWith("access.") && sections.access) {
      sections.access.unshift(event); // access.decision carries the row itself (security.services.access_event)
      sections.access = sections.access.slice(0, 20);
      renderSection("access");
    } else {
      const key = Object.keys(sections).find((k) => type.startsWith(`${k}.`));
      if (!key) return;
      if (window.panelHandlers && window.panelHandlers[key]) { window.panelHandlers[key](sections, event); renderSection(key); }
      else resyncSoon(); // a section an app contributed without a script of its own: re-read the state
    }
  }

  let resyncTimer = null;
  function resyncSoon() {
    // Coalesced: a burst of events (cars through a barrier) costs one state read per second.
    if (resyncTimer === null) resyncTimer = setTimeout(() => { resyncTimer = null; resync(); }, 1000);
  }

  /* --- the socket: reconnect with back-off, resync the state over HTTP after each reconnect --- */
  const status = document.getElementById("ws-status");
  function setStatus(state) { status.dataset.state = state; status.textContent = T[state]; }
  let retry = 0;
  let pending = null; // events that arrive while the state is being reloaded
  function resync() {
    pending = [];
    fetch(root.dataset.stateUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((r) => r.json())
      .then((state) => { const queued = pending; pending = null; applyState(state); queued.forEach(apply); })
      .catch(() => { const queued = pending; pending = null; queued.forEach(apply); });
  }
  function connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(`${scheme}://${location.host}${root.dataset.wsPath}`);
    socket.onopen = () => {
      setStatus("connected");
      retry = 0;
      // The server joined us to the site's feed before accepting: reloading the state now
      // (and replaying what arrives meanwhile) closes the gap since the page was rendered.
      resync();
    };
    socket.onmessage = (msg) => {
      try {
        const event = JSON.parse(msg.data);
        if (pending) pending.push(event); else apply(event);
      } catch (err) { console.error(err); }
    };
    socket.onclose = () => {
      setStatus("disconnected");
      retry = Math.min(retry + 1, 6);
      setTimeout(connect, 500 * 2 ** retry);
    };
  }
  applyState(JSON.parse(document.getElementById("panel-state").textContent));
  setStatus("connecting");
  connect();
  window.monitoringPanel = { alarms, sections, apply, beeps: () => beeps };
})();
