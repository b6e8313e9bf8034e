/* Canteen pages: the takeaway cart (running total) and the full-screen pay code with its countdown. */
document.addEventListener("alpine:init", function () {
  "use strict";
  function yuan(fen) { return "¥" + (fen / 100).toFixed(2); }

  window.Alpine.data("cart", function (id) {
    var data = JSON.parse(document.getElementById(id).textContent);
    return {
      qty: data.qty, prices: data.prices,
      get count() { var q = this.qty; return Object.keys(q).reduce(function (s, k) { return s + (Number(q[k]) || 0); }, 0); },
      get total() { var q = this.qty, p = this.prices; return Object.keys(q).reduce(function (s, k) { return s + (Number(q[k]) || 0) * p[k]; }, 0); },
      get totalText() { return yuan(this.total); },
    };
  });

  /* Pay code: fetched fresh, redrawn before it expires; a countdown says how long the one on screen is good for. */
  window.Alpine.data("paycode", function (url) {
    return {
      svg: "", code: "", expires: 0, left: 0, full: false, timer: null, error: false,
      init: function () { this.refresh(); var self = this; this.timer = setInterval(function () { self.tick(); }, 1000); },
      destroy: function () { clearInterval(this.timer); },
      refresh: function () {
        var self = this;
        fetch(url, {credentials: "same-origin"}).then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
          .then(function (d) { self.svg = d.svg; self.code = d.code; self.expires = Date.parse(d.expires_at); self.error = false; self.tick(); })
          .catch(function () { self.error = true; });
      },
      tick: function () {
        this.left = Math.max(0, Math.round((this.expires - Date.now()) / 1000));
        if (this.expires && this.left <= 5) { this.expires = 0; this.refresh(); }  // a new code just before the old one dies
      },
      open: function () { this.full = true; document.body.style.overflow = "hidden"; },
      close: function () { this.full = false; document.body.style.overflow = ""; },
    };
  });
});
