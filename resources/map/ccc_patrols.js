/* Patrol officers and their trails, each drawn by one canvas.
 *
 * Two thousand officers report every five seconds; moving two thousand Leaflet markers costs
 * an object walk, an event and a partial redraw each. Here a delta updates typed positions and
 * one draw paints every marker (one path per state colour), so the cost of a tick is
 * measurable and small. Hover and click use a nearest-marker search over the same arrays.
 */
(function () {
  "use strict";
  var ccc = L.ccc;

  /* A canvas renderer whose content is drawn by its owner instead of by vector layers. */
  ccc.DrawCanvas = L.Canvas.extend({
    initialize: function (owner, options) {
      L.Canvas.prototype.initialize.call(this, options);
      this._owner = owner;
    },
    _draw: function () {
      if (!this._map) return;
      this._ctx.save();
      this._owner.draw(this._ctx, this._map);
      this._ctx.restore();
    },
    drawNow: function () {
      if (!this._map || !this._ctx) return;
      cancelAnimationFrame(this._redrawRequest);
      this._redrawBounds = null;
      this._redraw();
    }
  });

  /* The patrols' state, shared by the marker layer and the trail layer. */
  ccc.PatrolStore = L.Class.extend({
    initialize: function (data, config) {
      this.config = config;
      this.roster = {};
      this.ids = [];           // patrols with a marker, in draw order
      this.slot = {};          // id → index into the arrays below
      this.lat = []; this.lon = []; this.x = []; this.y = [];
      this.state = []; this.at = []; this.battery = []; this.speed = [];
      this.trails = {};        // id → flat [t, x, y, t, x, y, ...] (zoom-0 world pixels)
      this.trailMs = (config.trailMinutes || 15) * 60000;
      this.load(data);
    },

    /* The roster, markers and trails as the page is filled ({roster, views, trails}). */
    load: function (data) {
      var self = this;
      (data.roster || []).forEach(function (r) {
        self.roster[r[0]] = { id: r[0], name: r[1], code: r[2], grid: r[3] };
      });
      var trails = data.trails || {};
      Object.keys(trails).forEach(function (id) {
        var src = trails[id], out = [];
        for (var i = 0; i < src.length; i += 3) out.push(src[i], ccc.projectX(src[i + 2]), ccc.projectY(src[i + 1]));
        self.trails[id] = out;
      });
      this.upsert(data.views || [], false);
    },

    /* rows: [id, lat, lon (1e-6 degrees), state, at (epoch s), battery (%), speed (0.1 m/s)];
     * state "gone" removes the marker. */
    upsert: function (rows, extendTrails) {
      var removed = false;
      for (var i = 0; i < rows.length; i++) {
        var r = rows[i], id = r[0], s = this.slot[id];
        if (r[3] === "gone") {
          if (s !== undefined) { this._remove(id); removed = true; }
          continue;
        }
        if (s === undefined) {
          s = this.ids.length;
          this.slot[id] = s;
          this.ids.push(id);
        }
        var lat = r[1] / 1e6, lon = r[2] / 1e6, at = r[4] * 1000;
        var x = ccc.projectX(lon), y = ccc.projectY(lat);
        if (extendTrails && (this.x[s] !== x || this.y[s] !== y)) {
          var trail = this.trails[id] || (this.trails[id] = []);
          trail.push(at, x, y);
        }
        this.lat[s] = lat; this.lon[s] = lon; this.x[s] = x; this.y[s] = y;
        this.state[s] = r[3]; this.at[s] = at; this.battery[s] = r[5];
        this.speed[s] = r[6] == null ? null : r[6] / 10;
      }
      return removed;
    },

    _remove: function (id) {
      var s = this.slot[id], last = this.ids.length - 1, keys = ["lat", "lon", "x", "y", "state", "at", "battery", "speed"];
      var moved = this.ids[last];
      for (var k = 0; k < keys.length; k++) { this[keys[k]][s] = this[keys[k]][last]; this[keys[k]].length = last; }
      this.ids[s] = moved; this.ids.length = last;
      this.slot[moved] = s;
      delete this.slot[id];
      delete this.trails[id];
    },

    pruneTrails: function (now) {
      var cutoff = now - this.trailMs;
      for (var id in this.trails) {
        var t = this.trails[id], drop = 0;
        while (drop < t.length && t[drop] < cutoff) drop += 3;
        if (drop) t.splice(0, drop);
        if (!t.length) delete this.trails[id];
      }
    },

    latLngOf: function (id) {
      var s = this.slot[id];
      return s === undefined ? null : L.latLng(this.lat[s], this.lon[s]);
    },

    info: function (id) {
      var s = this.slot[id], r = this.roster[id] || { id: id, name: String(id), code: "", grid: "" };
      if (s === undefined) return L.extend({ state: null }, r);
      return L.extend({ state: this.state[s], at: this.at[s], battery: this.battery[s],
                        speed: this.speed[s], lat: this.lat[s], lon: this.lon[s] }, r);
    }
  });

  ccc.Patrols = L.Layer.extend({
    options: { pane: "patrols", radius: 6, hitRadius: 9, colours: {} },

    initialize: function (store, options) {
      L.setOptions(this, options);
      this.store = store;
      this._canvas = new ccc.DrawCanvas(this, { pane: this.options.pane, padding: 0.2 });
    },

    onAdd: function (map) { map.addLayer(this._canvas); },
    onRemove: function (map) { map.removeLayer(this._canvas); },
    redraw: function () { this._canvas.drawNow(); },

    draw: function (ctx, map) {
      var st = this.store, n = st.ids.length;
      if (!n) return;
      var scale = Math.pow(2, map.getZoom()), origin = map.getPixelOrigin();
      var r = map.getZoom() >= 15 ? this.options.radius + 1 : this.options.radius;
      var colours = this.options.colours, byState = {};
      for (var i = 0; i < n; i++) (byState[st.state[i]] = byState[st.state[i]] || []).push(i);
      // The configured order (the ones that matter on top); a state it does not name is
      // still drawn, underneath, rather than vanishing.
      var order = st.config.stateOrder || [], seen = {};
      order.forEach(function (state) { seen[state] = true; });
      var states = Object.keys(byState).filter(function (k) { return !seen[k]; }).concat(order);
      // Only what the canvas shows: at street zoom most of ten thousand markers lie outside.
      var b = this._canvas._bounds, x0 = b.min.x - r, y0 = b.min.y - r, x1 = b.max.x + r, y1 = b.max.y + r;
      states.forEach(function (state) {
        var list = byState[state];
        if (!list) return;
        ctx.beginPath();
        for (var k = 0; k < list.length; k++) {
          var x = st.x[list[k]] * scale - origin.x, y = st.y[list[k]] * scale - origin.y;
          if (x < x0 || x > x1 || y < y0 || y > y1) continue;
          ctx.moveTo(x + r, y);
          ctx.arc(x, y, r, 0, 2 * Math.PI);
        }
        ctx.fillStyle = colours[state] || "#999";
        ctx.fill();
        ctx.lineWidth = 1.5;
        ctx.strokeStyle = "#0b1220";
        ctx.stroke();
      });
    },

    /* The patrol id nearest a container point within hitRadius pixels, or null. */
    hitTest: function (containerPoint) {
      if (!this._map) return null;
      var st = this.store, map = this._map, scale = Math.pow(2, map.getZoom());
      var origin = map.getPixelOrigin(), layer = map.containerPointToLayerPoint(containerPoint);
      var px = layer.x + origin.x, py = layer.y + origin.y;
      var best = null, bestD = this.options.hitRadius * this.options.hitRadius;
      for (var i = 0; i < st.ids.length; i++) {
        var dx = st.x[i] * scale - px, dy = st.y[i] * scale - py, d = dx * dx + dy * dy;
        if (d <= bestD) { bestD = d; best = st.ids[i]; }
      }
      return best;
    }
  });

  /* The last minutes of every patrol's walk, fading with age. */
  ccc.Trails = L.Layer.extend({
    options: { pane: "trails", buckets: 5, width: 2.5, colours: {}, minIntervalMs: 1000 },

    initialize: function (store, options) {
      L.setOptions(this, options);
      this.store = store;
      this._canvas = new ccc.DrawCanvas(this, { pane: this.options.pane, padding: 0.2 });
    },

    onAdd: function (map) { map.addLayer(this._canvas); },
    onRemove: function (map) {
      map.removeLayer(this._canvas);
      clearTimeout(this._timer); this._timer = null;
      cancelAnimationFrame(this._frame); this._frame = null;
    },
    redraw: function () { this._last = Date.now(); this._canvas.drawNow(); },

    /* Trails fade over minutes: redrawing all of them once a second is enough, while the
     * markers themselves move with every delta. The redraw runs in an animation frame of
     * its own, never inside the delta that asked for it: it is painted in the same frame as
     * the markers the delta moved, but a delta's cost is the markers' alone. */
    scheduleRedraw: function () {
      if (this._timer || this._frame) return;
      var wait = Math.max(0, (this._last || 0) + this.options.minIntervalMs - Date.now());
      var self = this;
      function frame() {
        self._timer = null;
        self._frame = requestAnimationFrame(function () {
          self._frame = null;
          if (self._map) self.redraw();
        });
      }
      if (!wait) frame();
      else this._timer = setTimeout(frame, wait);
    },

    draw: function (ctx, map) {
      var st = this.store, now = Date.now(), span = st.trailMs, nb = this.options.buckets;
      var scale = Math.pow(2, map.getZoom()), origin = map.getPixelOrigin(), ox = origin.x, oy = origin.y;
      // Segments [x0, y0, x1, y1, ...] by state, then by age bucket; `order` keeps the order
      // each (state, bucket) first appeared in, which is the order they are stroked in.
      var byState = {}, order = [];
      function segments(state, b) {
        var lists = byState[state] || (byState[state] = new Array(nb));
        var list = lists[b];
        if (!list) { list = lists[b] = []; order.push([state, b, list]); }
        return list;
      }
      for (var id in st.trails) {
        var t = st.trails[id], s = st.slot[id];
        if (s === undefined || t.length < 3) continue;
        var state = st.state[s], px = null, py = null, lastB = -1, list = null;
        for (var i = 0; i < t.length; i += 3) {
          var x = t[i + 1] * scale - ox, y = t[i + 2] * scale - oy;
          // Points closer than two pixels add nothing at this zoom.
          if (px !== null && (Math.abs(x - px) >= 2 || Math.abs(y - py) >= 2 || i + 3 >= t.length)) {
            var age = (now - t[i]) / span, b = Math.min(nb - 1, Math.max(0, Math.floor(age * nb)));
            if (b !== lastB) { list = segments(state, b); lastB = b; }
            list.push(px, py, x, y);
            px = x; py = y;
          } else if (px === null) { px = x; py = y; }
        }
        // The last segment ends at the marker itself.
        var mx = st.x[s] * scale - ox, my = st.y[s] * scale - oy;
        if (px !== null && (mx !== px || my !== py)) segments(state, 0).push(px, py, mx, my);
      }
      ctx.lineWidth = this.options.width;
      ctx.lineCap = "round";
      var colours = this.options.colours;
      for (var k = 0; k < order.length; k++) {
        var seg = order[k][2];
        ctx.beginPath();
        for (var j = 0; j < seg.length; j += 4) { ctx.moveTo(seg[j], seg[j + 1]); ctx.lineTo(seg[j + 2], seg[j + 3]); }
        ctx.globalAlpha = 0.85 * (1 - order[k][1] / nb);
        ctx.strokeStyle = colours[order[k][0]] || "#999";
        ctx.stroke();
      }
      ctx.globalAlpha = 1;
    }
  });

  ccc.patrols = function (options) {
    ccc.patrolStore = ccc.patrolStore || new ccc.PatrolStore(window.CCC_DATA.patrols, window.CCC_DATA.config);
    return new ccc.Patrols(ccc.patrolStore, options);
  };

  ccc.trails = function (options) {
    ccc.patrolStore = ccc.patrolStore || new ccc.PatrolStore(window.CCC_DATA.patrols, window.CCC_DATA.config);
    return new ccc.Trails(ccc.patrolStore, options);
  };
})();
