/* What Python can ask of the page: one handler per message `op`. */
(function (app) {
  "use strict";
  var ccc = L.ccc;
  var THEMES = {
    dark: { outline: "rgba(148, 163, 184, 0.5)", label: "rgba(226, 232, 240, 0.85)" },
    light: { outline: "rgba(51, 65, 85, 0.45)", label: "rgba(15, 23, 42, 0.85)" }
  };

  var ops = {
    /* Coalesced live changes: patrol positions and states, case markers, cell values. */
    delta: function (msg) {
      var t0 = app._received || performance.now(), moved = 0;
      if (msg.patrols && msg.patrols.length) {
        app.store.upsert(msg.patrols, true);
        moved = msg.patrols.length;
        if (app.map.hasLayer(app.layers.patrols)) app.layers.patrols.redraw();
        if (app.map.hasLayer(app.layers.trails)) app.layers.trails.scheduleRedraw();
        if (app.popupId !== null) {
          var at = app.store.latLngOf(app.popupId);
          if (at) { app.popup.setLatLng(at); app.highlight.moveTo(at); }
        }
      }
      if (msg.cases) {
        if (msg.cases.remove && msg.cases.remove.length) app.cases.remove(msg.cases.remove);
        if (msg.cases.upsert && msg.cases.upsert.length) app.cases.upsert(msg.cases.upsert);
      }
      if (msg.cells && msg.cells.idx.length && msg.cells.measure === app.cells.measure) {
        app.cells.updateValues(msg.cells.idx, msg.cells.val);
      }
      var ms = performance.now() - t0;
      app.applyMs.push(ms);
      if (app.applyMs.length > 200) app.applyMs.shift();
      if (app.watch !== null && msg.patrols) {
        var s = app.store.slot[app.watch.id];
        if (s !== undefined && Math.abs(app.store.lat[s] - app.watch.lat) < 1e-9) {
          app.send("watchHit", { id: app.watch.id, at: Date.now() });
          app.watch = null;
        }
      }
      if (msg.report) app.send("applied", { ms: ms, patrols: moved });
    },

    /* The first picture's rest, after the grid is drawn (see loader.fill). */
    cases: function (msg) {
      app.cases.upsert(msg.rows || []);
    },

    patrols: function (msg) {
      app.store.load(msg);
      if (app.map.hasLayer(app.layers.patrols)) app.layers.patrols.redraw();
      if (app.map.hasLayer(app.layers.trails)) app.layers.trails.redraw();
    },

    measure: function (msg) {
      app.cells.setMeasure(msg.measure, msg.legend, msg.values);
      app.legend.update(msg.legend);
      app.send("measureShown", { measure: msg.measure });
    },

    /* 门前三包: the stretches of units offending again, an overlay made on the first message. */
    frontage: function (msg) {
      var group = app.layers.frontage;
      if (!group) {
        group = app.layers.frontage = L.featureGroup().addTo(app.map);
        app.control.addOverlay(group, msg.title);
      }
      group.clearLayers();
      (msg.units || []).forEach(function (u) {
        var style = { color: "#d32f2f", weight: 5, opacity: 0.85, fillOpacity: 0.25 };
        var shape = u.polygon ? L.polygon(u.latlngs, style) : L.polyline(u.latlngs, style);
        shape.bindTooltip(u.code + " " + u.name + " · " + u.count, { sticky: true });
        group.addLayer(shape);
      });
    },

    heat: function (msg) {
      var heat = app.layers.heat;
      if (!heat) return;
      heat.setLatLngs(msg.points || []);
    },

    focus: function (msg) {
      var map = app.map, zoom = Math.max(map.getZoom(), msg.zoom || 17);
      if (msg.kind === "cell") {
        var c = app.cells.indexOf(msg.code);
        if (c < 0) return app.send("notFound", { kind: "cell", key: msg.code });
        map.flyToBounds(app.cells.boundsOf(c), { maxZoom: Math.max(map.getZoom(), 18), duration: 0.6 });
        app.highlight.outline(app.cells.latLngsOf(c));
      } else if (msg.kind === "patrol") {
        var at = app.store.latLngOf(msg.id);
        if (!at) return app.send("notFound", { kind: "patrol", key: msg.id });
        map.flyTo(at, zoom, { duration: 0.6 });
        app.openPatrol(msg.id);
        app.send("patrolClicked", { id: msg.id, fromPython: true });
      } else if (msg.kind === "region") {
        var layer = app.layers[msg.level], region = layer && layer.find(msg.code);
        if (!region) return app.send("notFound", { kind: msg.level, key: msg.code });
        var bounds = L.latLngBounds([]);
        region.rings.forEach(function (r) { bounds.extend(r); });
        map.flyToBounds(bounds, { duration: 0.6 });
        app.highlight.outline(region.rings);
      } else {
        var point = L.latLng(msg.lat, msg.lon);
        map.flyTo(point, zoom, { duration: 0.6 });
        app.highlight.pulse(point);
      }
    },

    patrolDetail: function (msg) { app._showTrack(msg); },

    /* Draw a campaign's area (on) or give up drawing (off); `ring` shows the one drawn before. */
    drawPolygon: function (msg) {
      if (msg.on) { app.measure.stop(); app.draw.start(msg.ring); } else app.draw.stop(false);
    },

    measuring: function (msg) {
      if (msg.on) {
        app.measure.start();
        if (msg.start) app.measure.add(L.latLng(msg.start[0], msg.start[1]));
      } else app.measure.stop();
    },

    theme: function (msg) { app.setTheme(msg.name); },

    fit: function (msg) {
      var b = app.config.bbox;
      if (!(b[2] > b[0] && b[3] > b[1])) return;   // no grid yet: nothing to fit
      var map = app.map, snap = map.options.zoomSnap;
      map.invalidateSize(false);   // the view may have just been resized (the wall)
      // fill (the wall): a quarter step; whole zoom levels left the city filling half of it.
      if (msg && msg.fill) map.options.zoomSnap = 0.25;
      map.fitBounds([[b[1], b[0]], [b[3], b[2]]], { padding: [20, 20] });
      map.options.zoomSnap = snap;
    },

    view: function (msg) {
      app.map.invalidateSize(false);
      app.map.setView([msg.lat, msg.lon], msg.zoom, { animate: false });
    },

    watch: function (msg) { app.watch = { id: msg.id, lat: msg.lat }; }
  };

  app.receive = function (msg) {
    var handler = ops[msg.op];
    if (!handler) return app.send("error", { message: "unknown op " + msg.op });
    try {
      handler(msg);
    } catch (err) {
      app.send("error", { message: String(err && err.message || err), where: msg.op });
    }
  };

  app.setTheme = function (name, early) {
    document.documentElement.className = "ccc-theme-" + name;
    if (early) return;
    app.config.theme = name;
    var colours = THEMES[name] || THEMES.dark;
    app.cells.setColours(colours.outline, colours.label);
    ["district", "street", "community"].forEach(function (level) {
      if (app.layers[level]) app.layers[level].setTheme(name);
    });
  };

  /* For tests and benchmarks: what the page shows, read with runJavaScript. */
  app.inspect = {
    patrol: function (id) { return app.store.info(id); },
    caseIds: function () { return Object.keys(app.cases.markers).map(Number); },
    caseTone: function (id) { var m = app.cases.markers[id]; return m ? m.options.tone : null; },
    drawing: function () { return app.draw.active ? app.draw.points.length : null; },
    caseRing: function (id) { var m = app.cases.markers[id]; return m ? m.options.ring : null; },
    cellColour: function (code) { return app.cells.colourOf(app.cells.indexOf(code)); },
    cellValue: function (code) { var i = app.cells.indexOf(code); return i < 0 ? null : app.cells.values[i]; },
    cellPoint: function (code) {
      var i = app.cells.indexOf(code);
      if (i < 0) return null;
      var p = app.map.latLngToContainerPoint(app.cells.centreOf(i));
      return { x: p.x, y: p.y };
    },
    applyMs: function () { return app.applyMs.slice(); },
    /* The colour the patrols' canvas has at a patrol's marker ("#rrggbb"; null: nothing). */
    patrolPixel: function (id) {
      var at = app.store.latLngOf(id), canvas = app.layers.patrols._canvas;
      if (!at || !canvas._ctx) return null;
      canvas.drawNow();
      var p = app.map.latLngToLayerPoint(at).subtract(canvas._bounds.min);
      var ratio = canvas._container.width / (canvas._bounds.max.x - canvas._bounds.min.x);
      var d = canvas._ctx.getImageData(Math.round(p.x * ratio), Math.round(p.y * ratio), 1, 1).data;
      if (!d[3]) return null;
      return "#" + [d[0], d[1], d[2]].map(function (v) { return (v < 16 ? "0" : "") + v.toString(16); }).join("");
    },
    /* One full redraw of every trail (done at most once a second, apart from the deltas). */
    trailsDrawMs: function () {
      var t0 = performance.now();
      app.layers.trails.redraw();
      return performance.now() - t0;
    }
  };
})(window.CCC);
