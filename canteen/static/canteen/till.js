/* Web till: a keyboard-wedge scanner types the code and Enter (the form submits by itself);
   where the browser has BarcodeDetector, the camera can read the pay code too. */
(function () {
  "use strict";
  function init() {
    var form = document.getElementById("till-form");
    if (!form) return;
    var code = document.getElementById("till-code");
    var amount = document.getElementById("till-amount");
    // Enter in the amount box moves to the code box instead of submitting a sale without a payer.
    amount.addEventListener("keydown", function (ev) { if (ev.key === "Enter") { ev.preventDefault(); code.focus(); } });
    var button = document.getElementById("till-camera");
    if (!("BarcodeDetector" in window) || !navigator.mediaDevices) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var video = document.getElementById("till-video");
      var detector = new window.BarcodeDetector({formats: ["qr_code"]});
      navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}}).then(function (stream) {
        video.srcObject = stream; video.hidden = false; video.play();
        function stop() { stream.getTracks().forEach(function (t) { t.stop(); }); video.hidden = true; }
        function look() {
          detector.detect(video).then(function (found) {
            if (found.length) { stop(); code.value = found[0].rawValue; form.requestSubmit(); } else requestAnimationFrame(look);
          }).catch(function () { requestAnimationFrame(look); });
        }
        look();
      }).catch(function () { button.hidden = true; });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
