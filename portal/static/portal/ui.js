/* smartoffice UI behaviour: toasts, confirm/prompt dialogs, Shanghai times. No dependencies. */
(function () {
  "use strict";
  var ZONE = "Asia/Shanghai";
  var lang = document.documentElement.lang || "zh-hans";
  var locale = lang.indexOf("zh") === 0 ? "zh-CN" : lang;

  /* Times: always the site's zone and a 24-hour clock, whatever the browser's locale. */
  function time(value, withDate) {
    var d = value instanceof Date ? value : new Date(value);
    if (isNaN(d.getTime())) return "";
    var opts = {timeZone: ZONE, hourCycle: "h23", hour: "2-digit", minute: "2-digit", second: "2-digit"};
    if (withDate) { opts.year = "numeric"; opts.month = "2-digit"; opts.day = "2-digit"; }
    return new Intl.DateTimeFormat(locale, opts).format(d);
  }

  function text(key, fallback) {
    var box = document.getElementById("ui-strings");
    if (!box) return fallback;
    try { return JSON.parse(box.textContent)[key] || fallback; } catch (e) { return fallback; }
  }

  /* dialog({title, message, confirm, cancel, danger, input: {label, required}}) -> Promise<null | true | string> */
  function dialog(opts) {
    return new Promise(function (resolve) {
      var dlg = document.createElement("dialog");
      dlg.className = "dialog";
      dlg.setAttribute("aria-labelledby", "dlg-title");
      var form = document.createElement("form");
      form.method = "dialog";
      var h = document.createElement("h2");
      h.id = "dlg-title";
      h.textContent = opts.title || text("confirm_title", "Please confirm");
      form.appendChild(h);
      if (opts.message) { var p = document.createElement("p"); p.textContent = opts.message; form.appendChild(p); }
      var field = null;
      if (opts.input) {
        var wrap = document.createElement("div"); wrap.className = "field";
        var label = document.createElement("label"); label.htmlFor = "dlg-input"; label.textContent = opts.input.label || "";
        field = document.createElement("textarea"); field.id = "dlg-input"; field.rows = 3; field.maxLength = 500;
        if (opts.input.required) field.required = true;
        wrap.appendChild(label); wrap.appendChild(field); form.appendChild(wrap);
      }
      var actions = document.createElement("div"); actions.className = "actions";
      var no = document.createElement("button"); no.type = "button"; no.textContent = opts.cancel || text("cancel", "Cancel");
      var yes = document.createElement("button"); yes.type = "submit"; yes.value = "ok";
      yes.className = opts.danger ? "danger" : "primary"; yes.textContent = opts.confirm || text("ok", "OK");
      yes.dataset.testid = "dialog-confirm";
      actions.appendChild(no); actions.appendChild(yes); form.appendChild(actions);
      dlg.appendChild(form);
      document.body.appendChild(dlg);
      var answer = null;
      no.addEventListener("click", function () { dlg.close(); });
      form.addEventListener("submit", function () { answer = field ? field.value.trim() : true; });
      dlg.addEventListener("close", function () { dlg.remove(); resolve(answer); });
      dlg.showModal();
      (field || yes).focus();
    });
  }

  /* <form data-confirm="…" [data-confirm-title] [data-confirm-ok] [data-danger]>: ask before submitting. */
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.confirm || form.dataset.confirmed) return;
    ev.preventDefault();
    var submitter = ev.submitter;
    dialog({title: form.dataset.confirmTitle, message: form.dataset.confirm, confirm: form.dataset.confirmOk,
            danger: "danger" in form.dataset}).then(function (ok) {
      if (!ok) return;
      form.dataset.confirmed = "1";
      if (form.requestSubmit) form.requestSubmit(submitter || undefined); else form.submit();
    });
  }, true);

  /* Quantity steppers: −/+ change the number box and fire "input" (Alpine's x-model listens). */
  document.addEventListener("click", function (ev) {
    var btn = ev.target instanceof Element ? ev.target.closest("[data-stepper] button[data-step]") : null;
    if (!btn) return;
    var input = btn.parentElement.querySelector("input");
    var min = Number(input.min || 0), max = Number(input.max || 99);
    var next = Math.min(max, Math.max(min, (Number(input.value) || 0) + Number(btn.dataset.step)));
    input.value = String(next);
    input.dispatchEvent(new Event("input", {bubbles: true}));
  });

  /* Toasts: success/info fade after 5 s; errors stay until closed. */
  function toastsInit() {
    document.querySelectorAll(".toast").forEach(function (t) {
      var close = t.querySelector("button");
      if (close) close.addEventListener("click", function () { t.remove(); });
      if (!t.classList.contains("error")) setTimeout(function () { t.remove(); }, 5000);
    });
    document.querySelectorAll("time[data-live]").forEach(function (el) {
      el.textContent = time(el.getAttribute("datetime"), el.dataset.live === "date");
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", toastsInit); else toastsInit();

  window.ui = {dialog: dialog, time: time, zone: ZONE};
})();
