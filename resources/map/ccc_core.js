/* City Command Console map — shared helpers (loaded first, after Leaflet).
 *
 * Coordinates arrive from Python as base64 integer arrays (see console/mappage/mapmath.py) and
 * are projected once to Web Mercator "world pixels at zoom 0" (256 px = the whole world), the
 * same space Leaflet's EPSG3857 uses; a layer at zoom z multiplies by 2^z.
 */
(function () {
  "use strict";
  var ccc = (L.ccc = L.ccc || {});
  var MAX_LAT = 85.0511287798;

  /* Where the page's start-up time goes (ms since navigation), sent with the first paint. */
  ccc.marks = window.CCC_MARKS = window.CCC_MARKS || {};
  ccc.mark = function (name) { ccc.marks[name] = Math.round(performance.now() * 10) / 10; };
  ccc.mark("scriptsParsed");

  ccc.decode = function (b64, Type) {
    var bin = atob(b64 || "");
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return new Type(bytes.buffer);
  };

  ccc.projectX = function (lon) {
    return ((lon + 180) / 360) * 256;
  };

  ccc.projectY = function (lat) {
    lat = Math.max(-MAX_LAT, Math.min(MAX_LAT, lat));
    var s = Math.sin((lat * Math.PI) / 180);
    return (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * 256;
  };

  ccc.unproject = function (x, y) {
    var lon = (x / 256) * 360 - 180;
    var n = Math.PI - (2 * Math.PI * y) / 256;
    return L.latLng((180 / Math.PI) * Math.atan(0.5 * (Math.exp(n) - Math.exp(-n))), lon);
  };

  /* Colour class of a value: 0 below breaks[0], i when breaks[i-1] <= value < breaks[i]. */
  ccc.classOf = function (value, breaks) {
    for (var i = 0; i < breaks.length; i++) if (value < breaks[i]) return i;
    return breaks.length;
  };

  ccc.format = function (template, params) {
    return String(template).replace(/\{(\w+)\}/g, function (m, k) {
      return Object.prototype.hasOwnProperty.call(params, k) ? params[k] : m;
    });
  };

  ccc.escape = function (text) {
    return String(text == null ? "" : text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  };

  ccc.formatDistance = function (metres, texts) {
    if (metres < 1000) return ccc.format(texts.metres, { d: Math.round(metres) });
    return ccc.format(texts.kilometres, { d: (metres / 1000).toFixed(metres < 10000 ? 2 : 1) });
  };

  ccc.formatAge = function (seconds, texts) {
    seconds = Math.max(0, Math.round(seconds));
    if (seconds < 10) return texts.justNow;
    if (seconds < 90) return ccc.format(texts.secondsAgo, { n: seconds });
    if (seconds < 5400) return ccc.format(texts.minutesAgo, { n: Math.round(seconds / 60) });
    return ccc.format(texts.hoursAgo, { n: (seconds / 3600).toFixed(1) });
  };

  ccc.pad2 = function (n) {
    return (n < 10 ? "0" : "") + n;
  };

  ccc.formatTime = function (ms) {
    var d = new Date(ms);
    return ccc.pad2(d.getMonth() + 1) + "-" + ccc.pad2(d.getDate()) + " " +
      ccc.pad2(d.getHours()) + ":" + ccc.pad2(d.getMinutes());
  };

  /* Even-odd point-in-ring test on projected coordinates. */
  ccc.inRing = function (px, py, xs, ys, start, end) {
    var inside = false;
    for (var i = start, j = end - 1; i < end; j = i++) {
      if ((ys[i] > py) !== (ys[j] > py) &&
          px < ((xs[j] - xs[i]) * (py - ys[i])) / (ys[j] - ys[i]) + xs[i]) inside = !inside;
    }
    return inside;
  };

  /* Rings of one boundary level: vertex counts and int32 microdegrees (typed arrays, or
   * base64 of them) → arrays of [lat, lng], closed. */
  ccc.decodeRings = function (counts, coords) {
    if (typeof counts === "string") counts = ccc.decode(counts, Uint16Array);
    if (typeof coords === "string") coords = ccc.decode(coords, Int32Array);
    var rings = [], k = 0;
    for (var i = 0; i < counts.length; i++) {
      var ring = [];
      for (var j = 0; j < counts[i]; j++, k += 2) ring.push([coords[k + 1] / 1e6, coords[k] / 1e6]);
      if (ring.length) ring.push(ring[0]);
      rings.push(ring);
    }
    return rings;
  };

  /* Runs fn once the next frame is painted. */
  ccc.afterPaint = function (fn) {
    requestAnimationFrame(function () { setTimeout(fn, 0); });
  };

  var TYPES = { u1: Uint8Array, u2: Uint16Array, i2: Int16Array, i4: Int32Array };

  /* grid.bin as typed-array views on its buffer: { header, sections: {name: array} }. */
  ccc.readGridFile = function (buffer) {
    var head = new DataView(buffer, 0, 12);
    if (head.getUint32(0, false) !== 0x43434347) throw new Error("grid.bin: not a grid file");
    if (head.getUint32(4, true) !== 1) throw new Error("grid.bin: format " + head.getUint32(4, true));
    var length = head.getUint32(8, true);
    var header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 12, length)));
    var base = 12 + length + ((8 - ((12 + length) % 8)) % 8), sections = {};
    for (var name in header.sections) {
      var s = header.sections[name];
      sections[name] = new TYPES[s[1]](buffer, base + s[0], s[2]);
    }
    return { header: header, sections: sections };
  };

  var gridFile = null;
  /* Calls fn(file) once grid.bin is read and viewed (see ccc_boot.js), fn(null, error) if it
   * cannot be; at once when it is already. */
  ccc.gridFile = function (fn) {
    window.CCC_GRID_LOAD.then(function (load) {
      if (load.error) return fn(null, load.error);
      try {
        gridFile = gridFile || ccc.readGridFile(load.buffer);
      } catch (e) {
        return fn(null, String(e.message || e));
      }
      fn(gridFile, null);
    });
  };
})();
