// Check-in: scan an appointment slip's QR code with the device's camera, put what it holds
// into the search field and search. The browser's BarcodeDetector reads it where there is
// one; elsewhere the vendored jsQR decoder, loaded only when the camera is first used.
// Typing, or a USB/Bluetooth scanner that types, needs none of this.
(function () {
  const form = document.getElementById("checkin-search");
  const button = document.getElementById("scan-button");
  const box = document.getElementById("scanner");
  if (!form || !button || !box) return;
  const field = form.elements.q;
  const video = document.getElementById("scanner-video");
  const status = document.getElementById("scanner-status");
  const stop = document.getElementById("scanner-stop");
  const EVERY_MS = 200;
  const LARGEST_SIDE = 800; // pixels handed to jsQR: enough for a slip held at arm's length
  let stream = null;
  let timer = null;
  let read = null;

  function say(key) {
    status.textContent = status.dataset[key] || "";
  }

  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  // A function from the video to a promise of the text of the QR code in sight, or null.
  async function makeReader() {
    if ("BarcodeDetector" in window) {
      try {
        const formats = await window.BarcodeDetector.getSupportedFormats();
        if (formats.includes("qr_code")) {
          const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
          return async (source) => {
            const codes = await detector.detect(source);
            return codes.length ? codes[0].rawValue : null;
          };
        }
      } catch (error) {
        // fall through to jsQR
      }
    }
    if (!window.jsQR) await loadScript(button.dataset.decoder);
    const canvas = document.createElement("canvas");
    const context = canvas.getContext("2d", { willReadFrequently: true });
    return async (source) => {
      const scale = Math.min(1, LARGEST_SIDE / Math.max(source.videoWidth, source.videoHeight));
      const width = Math.round(source.videoWidth * scale);
      const height = Math.round(source.videoHeight * scale);
      if (!width || !height) return null;
      canvas.width = width;
      canvas.height = height;
      context.drawImage(source, 0, 0, width, height);
      const image = context.getImageData(0, 0, width, height);
      const code = window.jsQR(image.data, width, height, { inversionAttempts: "attemptBoth" });
      return code ? code.data : null;
    };
  }

  function close() {
    clearTimeout(timer);
    timer = null;
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    video.srcObject = null;
    box.hidden = true;
    button.disabled = false;
  }

  async function look() {
    if (!stream) return;
    let text = null;
    try {
      text = await read(video);
    } catch (error) {
      text = null; // a frame not ready yet: try the next one
    }
    if (text) {
      close();
      field.value = text.trim();
      if (form.requestSubmit) form.requestSubmit();
      else form.submit();
      return;
    }
    timer = setTimeout(look, EVERY_MS);
  }

  async function open() {
    box.hidden = false;
    button.disabled = true;
    say("starting");
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      say("unavailable");
      button.disabled = false;
      return;
    }
    try {
      read = read || (await makeReader());
    } catch (error) {
      say("unsupported");
      button.disabled = false;
      return;
    }
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: { ideal: "environment" } },
        audio: false,
      });
    } catch (error) {
      say("unavailable");
      button.disabled = false;
      return;
    }
    video.srcObject = stream;
    await video.play();
    say("looking");
    look();
  }

  // The last search stays in the field: selected, so that the next scan or typing replaces it.
  if (document.activeElement === field) field.select();
  button.hidden = false;
  button.addEventListener("click", open);
  stop.addEventListener("click", () => {
    close();
    field.focus();
  });
  document.addEventListener("visibilitychange", () => {
    if (document.hidden && stream) close();
  });
})();
