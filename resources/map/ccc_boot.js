/* Loaded first, before Leaflet: starts reading grid.bin (the cells and region outlines, see
 * console/mappage/grid_binary.py) so the file is read while the other scripts are parsed.
 * A file page may read files of its own folder only (console/map/view.py guards the rest).
 */
(function () {
  "use strict";
  var load = (window.CCC_GRID_LOAD = { buffer: null, error: null, waiting: [] });
  /* Calls fn(load) once the file is read (or failed): now if it is already. */
  load.then = function (fn) {
    if (load.buffer || load.error) fn(load);
    else load.waiting.push(fn);
  };
  function done(buffer, error) {
    load.readMs = performance.now();
    load.buffer = buffer;
    load.error = error;
    var waiting = load.waiting;
    load.waiting = [];
    waiting.forEach(function (fn) { fn(load); });
  }
  var xhr = new XMLHttpRequest();
  xhr.open("GET", "grid.bin", true);
  xhr.responseType = "arraybuffer";
  // A file: URL answers with status 0; an empty or missing response is the failure.
  xhr.onload = function () {
    if (xhr.response && xhr.response.byteLength) done(xhr.response, null);
    else done(null, "grid.bin: empty (status " + xhr.status + ")");
  };
  xhr.onerror = function () { done(null, "grid.bin could not be read"); };
  xhr.send();
})();
