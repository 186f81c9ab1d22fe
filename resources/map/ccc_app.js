/* The map page's controller: wires the layers folium created to the Python side.
 *
 * Python → page: one signal `toJs` carrying JSON messages {op: ...} (deltas, measure, focus…).
 * Page → Python: one slot `fromJs` taking JSON events {ev: ...} (clicks, layers, first paint…).
 * Events raised before the QWebChannel is connected are queued, never lost.
 */
window.CCC = (function () {
  "use strict";
  var ccc = L.ccc;
  var app = { started: false, bridge: null, queue: [], applyMs: [], watch: null, popupId: null };

  // Panes from bottom to top. Only the case markers' canvas takes pointer events: an upper
  // canvas would otherwise swallow the clicks meant for the one below.
  var PANES = [["cells", 250, false], ["boundaries", 410, false], ["trails", 420, false],
               ["labels", 430, false], ["cases", 450, true], ["patrols", 620, false],
               ["highlight", 640, false]];

  /* Runs right after folium creates the map, before any layer is added. */
  app.init = function (map) {
    PANES.forEach(function (p) {
      var pane = map.createPane(p[0]);
      pane.style.zIndex = p[1];
      if (!p[2]) pane.style.pointerEvents = "none";
    });
    app.setTheme(window.CCC_DATA.config.theme, true);
    // Fitted before any layer is added: the grid's tiles are then made (and drawn) once, at
    // the zoom the seat sees, not first at the zoom the page was written with.
    // A remembered view comes with data.js, not the HTML, so a pan keeps the kept page valid.
    var config = window.CCC_DATA.config, b = config.bbox, view = config.view;
    if (view) {
      map.setView([view[0], view[1]], view[2], { animate: false });
    } else if (config.fitOnStart && b[2] > b[0]) {
      map.fitBounds([[b[1], b[0]], [b[3], b[2]]], { padding: [10, 10], animate: false });
    }
    // Leaflet's default prefix carries a flag; a console states only what draws the map.
    if (map.attributionControl) map.attributionControl.setPrefix("Leaflet");
    L.control.scale({ imperial: false, maxWidth: 160 }).addTo(map);
    window.addEventListener("error", function (e) {
      app.send("error", { message: String(e.message), where: (e.filename || "") + ":" + (e.lineno || 0) });
    });
  };

  app.send = function (ev, payload) {
    var msg = JSON.stringify(L.extend({ ev: ev }, payload || {}));
    if (app.bridge) app.bridge.fromJs(msg);
    else app.queue.push(msg);
  };

  app.start = function (map, control, layers) {
    ccc.mark("start");
    var data = window.CCC_DATA, config = data.config;
    app.map = map; app.control = control; app.layers = layers; app.config = config; app.texts = config.texts;
    app.cells = layers.cells;
    app.store = layers.patrols.store;
    app.cases = new ccc.CaseMarkers(layers.cases, config, app.caseClicked);
    app.cases.upsert(data.cases || []);
    app.legend = new ccc.Legend(config).addTo(map);
    app.legend.update(data.cells.legend);
    app.measure = new ccc.Measure(map, app.texts, function (metres, running) {
      // The finished line's vertices too: a 门前三包 stretch is drawn with the ruler.
      var points = running ? undefined : app.measure.points.map(function (p) { return [p.lng, p.lat]; });
      app.send("measured", { metres: metres, running: running, points: points });
    });
    app.draw = new ccc.Draw(map, function (ring) {
      app.send("polygonDrawn", { ring: ring });
    });
    app.highlight = new ccc.Highlight(map);
    app.tooltip = L.tooltip({ direction: "top", offset: [0, -8], className: "ccc-hover" });

    map.on("click", app._click);
    map.on("dblclick", function () {
      if (app.measure.active) app.measure.finish();
      if (app.draw.active) app.draw.finish();
    });
    map.on("contextmenu", function (e) {
      app.send("contextMenu", { lon: e.latlng.lng, lat: e.latlng.lat, x: e.containerPoint.x, y: e.containerPoint.y });
    });
    map.on("mousemove", app._hover);
    map.on("mouseout", function () { map.closeTooltip(app.tooltip); });
    map.on("overlayadd overlayremove", app._layersChanged);
    map.on("moveend", app._viewChanged);
    map.on("popupclose", function (e) {
      if (e.popup === app.popup) { app.popupId = null; app.track = null; app.highlight.clear(); }
    });

    if (layers.heat) {
      layers.heat.setLatLngs(data.heat || []);
      map.on("zoomend", app._heatScale);
      app._heatScale();
    }
    setInterval(app._tick, 1000);
    // The channel connects while grid.bin is read; "ready" (Python's go for the first
    // picture's rest) waits for the cells, so no message finds the grid without them.
    app.cells.on("gridfailed", function (e) { app.send("error", { message: e.error, where: "grid.bin" }); });
    app.cells.whenReady(app._firstPaint);
    app._connect();
    app.started = true;
  };

  app._connect = function () {
    if (typeof QWebChannel === "undefined" || typeof qt === "undefined") return;   // a plain browser
    new QWebChannel(qt.webChannelTransport, function (channel) {
      app.bridge = channel.objects.bridge;
      app.bridge.toJs.connect(app._onMessage);
      app.queue.forEach(function (msg) { app.bridge.fromJs(msg); });
      app.queue = [];
      app.cells.whenReady(function () {
        app.send("ready", { cells: app.cells.n, cases: app.cases.count(), patrols: app.store.ids.length });
      });
    });
  };

  /* A message from Python; its parse counts in the cost of a delta. */
  app._onMessage = function (text) {
    app._received = performance.now();
    app.receive(JSON.parse(text));
  };

  app._firstPaint = function () {
    // The grid is drawn when its first tiles are; a hidden grid counts as drawn at once.
    function done() {
      ccc.mark("tilesDrawn");
      requestAnimationFrame(function () {
        ccc.mark("frame");
        ccc.marks.fileRead = Math.round(window.CCC_GRID_LOAD.readMs);
        var nav = performance.getEntriesByType ? performance.getEntriesByType("navigation")[0] : null;
        if (nav) {
          ccc.marks.htmlRequested = Math.round(nav.requestStart || nav.fetchStart);
          ccc.marks.htmlRead = Math.round(nav.responseEnd);
        }
        app.send("firstPaint", { ms: performance.now(), at: Date.now(), marks: ccc.marks,
                                 resources: app._resourceTimes() });
      });
    }
    if (app.map.hasLayer(app.cells) && app.cells.isLoading()) app.cells.once("load", done);
    else done();
  };

  app._resourceTimes = function () {
    var out = {};
    (performance.getEntriesByType ? performance.getEntriesByType("resource") : []).forEach(function (e) {
      var name = e.name.split("/").pop();
      if (/^(grid|data)\.|^leaflet/.test(name)) out[name] = [Math.round(e.startTime), Math.round(e.responseEnd)];
    });
    return out;
  };

  // --- clicks and hover --------------------------------------------------------------------

  app._click = function (e) {
    if (app.measure.active) { app.measure.add(e.latlng); return; }
    if (app.draw.active) { app.draw.add(e.latlng); return; }
    var patrol = app.map.hasLayer(app.layers.patrols) ? app.layers.patrols.hitTest(e.containerPoint) : null;
    if (patrol !== null) { app.patrolClicked(patrol); return; }
    if (!app.map.hasLayer(app.cells)) return;
    var cell = app.cells.hitTest(e.latlng);
    if (cell >= 0) {
      app.highlight.outline(app.cells.latLngsOf(cell));
      app.send("cellClicked", { code: app.cells.codes[cell] });
    }
  };

  app.caseClicked = function (id) {
    var at = app.cases.latLngOf(id);
    if (at) app.highlight.pulse(at);
    app.send("caseClicked", { id: id });
  };

  app.patrolClicked = function (id) {
    app.openPatrol(id);
    app.send("patrolClicked", { id: id });
  };

  app._hover = function (e) {
    if (app._hoverPending) { app._hoverEvent = e; return; }
    app._hoverPending = true;
    app._hoverEvent = e;
    requestAnimationFrame(function () {
      app._hoverPending = false;
      app._showHover(app._hoverEvent);
    });
  };

  app._showHover = function (e) {
    var map = app.map, t = app.texts, html = null, patrol = null;
    if (map.hasLayer(app.layers.patrols)) patrol = app.layers.patrols.hitTest(e.containerPoint);
    if (patrol !== null) {
      var info = app.store.info(patrol);
      html = "<b>" + ccc.escape(info.name) + "</b> · " + ccc.escape(t.states[info.state] || "");
    } else if (map.hasLayer(app.cells) && map.getZoom() >= 15 && !app.measure.active) {
      var c = app.cells.hitTest(e.latlng);
      if (c >= 0) {
        var community = app.cells.community ? app.cells.communityNames[app.cells.community[c]] : "";
        html = "<b>" + ccc.escape(app.cells.codes[c]) + "</b> " + ccc.escape(community || "") + "<br>" +
          ccc.escape(app.cells.legend.name || app.cells.legend.title) + ": " + ccc.escape(app._valueText(app.cells.values[c]));
      }
    }
    map.getContainer().style.cursor = patrol !== null ? "pointer" : "";
    if (html) app.tooltip.setLatLng(e.latlng).setContent(html).addTo(map);
    else map.closeTooltip(app.tooltip);
  };

  app._valueText = function (value) {
    var legend = app.cells.legend;
    if (legend.categorical) return value < 0 ? legend.labels[legend.labels.length - 1] : String(value + 1);
    return value < 0 ? legend.labels[0] : String(value);
  };

  // --- patrol popup --------------------------------------------------------------------------

  app.openPatrol = function (id) {
    var at = app.store.latLngOf(id);
    if (!at) return false;
    app.popupId = id;
    app.track = null;
    app.popup = app.popup || L.popup({ className: "ccc-popup", autoPan: true, maxWidth: 320 });
    app.popup.setLatLng(at).setContent(app._patrolHtml(id)).openOn(app.map);
    app.highlight.pulse(at, id);
    return true;
  };

  app._patrolHtml = function (id) {
    var t = app.texts, info = app.store.info(id);
    var rows = [[t.workGrid, info.grid || "—"], [t.state, t.states[info.state] || "—"],
                [t.lastFix, info.at ? ccc.formatAge((Date.now() - info.at) / 1000, t) : "—"],
                [t.battery, info.battery == null ? "—" : Math.round(info.battery) + "%"],
                [t.trackToday, app.track ? ccc.formatDistance(app.track.metres, t) : t.loadingTrack]];
    var html = '<div class="ccc-popup-title">' + ccc.escape(info.name) + ' <span>' + ccc.escape(info.code) + "</span></div><table>";
    rows.forEach(function (r) { html += "<tr><th>" + ccc.escape(r[0]) + "</th><td>" + ccc.escape(r[1]) + "</td></tr>"; });
    return html + "</table>";
  };

  app._showTrack = function (msg) {
    if (app.popupId !== msg.id) return;
    var latlngs = (msg.track || []).map(function (p) { return [p[1], p[0]]; }), metres = 0;
    for (var i = 1; i < latlngs.length; i++) metres += app.map.distance(latlngs[i - 1], latlngs[i]);
    app.track = { metres: metres };
    if (latlngs.length > 1) {
      L.polyline(latlngs, { color: "#a78bfa", weight: 3, opacity: 0.9, dashArray: "1 6", lineCap: "round",
                            interactive: false }).addTo(app.highlight.group);
    }
    app.popup.setContent(app._patrolHtml(msg.id));
  };

  app._tick = function () {
    var t = Date.now();
    if (!app._retoned || t - app._retoned >= 5000) { app._retoned = t; app.cases.retone(t); }
    if (app.popupId !== null && app.popup && app.popup.isOpen()) app.popup.setContent(app._patrolHtml(app.popupId));
    var now = Date.now();
    if (!app._pruned || now - app._pruned > 10000) {
      app._pruned = now;
      app.store.pruneTrails(now);
      if (app.map.hasLayer(app.layers.trails)) app.layers.trails.redraw();
    }
  };

  /* Leaflet.heat adds up the weights in cells of half its radius; at city zoom one such cell
   * holds many grid cells, at street zoom less than one. Scaling the maximum by that count
   * keeps "red" meaning the same density of reports at every zoom. */
  app._heatScale = function () {
    var map = app.map, heat = app.layers.heat, c = app.config;
    var mpp = 40075016.686 * Math.cos(map.getCenter().lat * Math.PI / 180) / (256 * Math.pow(2, map.getZoom()));
    var cells = Math.pow((c.heatRadius / 2) * mpp / (c.cellMetres || 100), 2);
    heat.options.max = Math.max(1, cells * 0.6);
    if (heat._map) heat.redraw();
  };

  // --- remembering layers and view ---------------------------------------------------------

  app.shownLayers = function () {
    var out = [];
    for (var key in app.layers) if (app.layers[key] && app.map.hasLayer(app.layers[key])) out.push(key);
    return out;
  };

  app._layersChanged = function () {
    if (!app.map.hasLayer(app.cells)) app.map.closeTooltip(app.tooltip);
    app.send("layers", { shown: app.shownLayers() });
  };

  app._viewChanged = function () {
    clearTimeout(app._viewTimer);
    app._viewTimer = setTimeout(function () {
      var c = app.map.getCenter();
      app.send("view", { lat: c.lat, lon: c.lng, zoom: app.map.getZoom() });
    }, 500);
  };

  return app;
})();
