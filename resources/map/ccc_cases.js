/* Open cases: canvas circle markers in a marker cluster group, coloured by how pressing they
 * are; a cluster takes the colour of its most pressing case so a red cluster is never hidden.
 */
(function () {
  "use strict";
  var ccc = L.ccc;
  var ORDER = ["overdue", "near", "running", "new", "checking", "parked"];
  /* Tones a running case moves through with the clock alone (deadline and near time). */
  var CLOCK = { running: true, near: true, overdue: true };

  /* The tone of a row now: Python reads it at one moment; the clock moves it on here. */
  ccc.toneOf = function (row, now) {
    var tone = row[3];
    if (!CLOCK[tone] || row[8] == null) return tone;
    if (now >= row[8]) return "overdue";
    if (row[9] != null && now >= row[9]) return "near";
    return "running";
  };

  /* A cluster is filled with the most pressing tone that a quarter of its cases share, and
   * carries a red badge with its overdue count: "all clusters red" would say nothing. */
  ccc.clusterIcon = function (cluster) {
    var counts = {}, urgent = false, markers = cluster.getAllChildMarkers(), n = markers.length;
    markers.forEach(function (m) {
      counts[m.options.tone] = (counts[m.options.tone] || 0) + 1;
      urgent = urgent || m.options.urgent;
    });
    var fill = null;
    for (var i = 0; i < ORDER.length && fill === null; i++) {
      if ((counts[ORDER[i]] || 0) >= Math.max(1, 0.25 * n)) fill = ORDER[i];
    }
    if (fill === null) {   // no tone reaches a quarter: the commonest one
      fill = ORDER.reduce(function (a, b) { return (counts[b] || 0) > (counts[a] || 0) ? b : a; });
    }
    var overdue = counts.overdue || 0;
    var size = n < 10 ? 28 : n < 100 ? 34 : n < 1000 ? 40 : 46;
    return L.divIcon({
      html: "<div><span>" + n + "</span>" + (overdue && fill !== "overdue" ? "<b>" + overdue + "</b>" : "") + "</div>",
      className: "ccc-cluster ccc-tone-" + fill + (urgent ? " ccc-cluster-urgent" : ""),
      iconSize: L.point(size, size)
    });
  };

  /* A case under an open supervision order (督办) carries a ring in its level's colour, drawn
   * on the same canvas just outside the marker, so it shows whatever the fill's tone is. */
  var RING_GAP = 3, RING_WIDTH = 3;
  ccc.RingMarker = L.CircleMarker.extend({
    _updateBounds: function () {
      L.CircleMarker.prototype._updateBounds.call(this);
      if (this.options.ring && this._pxBounds) {
        var grow = L.point(RING_GAP + RING_WIDTH, RING_GAP + RING_WIDTH);
        this._pxBounds = new L.Bounds(this._pxBounds.min.subtract(grow), this._pxBounds.max.add(grow));
      }
    },
    _updatePath: function () {
      L.CircleMarker.prototype._updatePath.call(this);
      var renderer = this._renderer, ctx = renderer && renderer._ctx;
      if (!this.options.ring || !ctx || !renderer._drawing || this._empty()) return;
      ctx.beginPath();
      ctx.arc(this._point.x, this._point.y, this._radius + RING_GAP + RING_WIDTH / 2, 0, Math.PI * 2, false);
      ctx.globalAlpha = 1;
      ctx.lineWidth = RING_WIDTH;
      ctx.strokeStyle = this.options.ring;
      ctx.stroke();
    }
  });

  ccc.CaseMarkers = L.Class.extend({
    initialize: function (cluster, config, onClick) {
      this.cluster = cluster;
      this.config = config;
      this.onClick = onClick;
      this.markers = {};
      this.rows = {};
      this.renderer = L.canvas({ pane: "cases", padding: 0.3 });
    },

    _style: function (row, now) {
      var urgent = !!row[4], tone = ccc.toneOf(row, now || Date.now());
      var ring = row[10] ? (this.config.supervisionColours || {})[row[10]] || "#fb923c" : null;
      return {
        renderer: this.renderer, radius: urgent ? 8 : 6, weight: urgent ? 3 : 1.5,
        color: urgent ? this.config.urgentColour : "#0b1220", fillColor: this.config.toneColours[tone] || "#999",
        fillOpacity: 0.95, opacity: 1, tone: tone, urgent: urgent, ring: ring, bubblingMouseEvents: false
      };
    },

    /* Move the tones the clock moves (every few seconds): only the markers that change are
     * restyled, and their clusters refreshed once. */
    retone: function (now) {
      var changed = [];
      for (var id in this.rows) {
        var row = this.rows[id];
        if (!CLOCK[row[3]] || row[8] == null) continue;
        var marker = this.markers[id];
        if (marker && marker.options.tone !== ccc.toneOf(row, now)) {
          var style = this._style(row, now);
          L.setOptions(marker, style);
          if (marker._map) marker.setStyle(style);
          changed.push(marker);
        }
      }
      if (changed.length) this.cluster.refreshClusters(changed);
      return changed.length;
    },

    /* rows: [id, lat, lon, tone, urgent, number, category, status, deadline (ms) or null,
     *        near time (ms) or null, supervision level (0: none)] */
    upsert: function (rows) {
      var add = [], self = this;
      rows.forEach(function (row) {
        var id = row[0], old = self.markers[id];
        self.rows[id] = row;
        if (old) {
          var moved = !old.getLatLng().equals([row[1], row[2]]);
          var style = self._style(row);
          if (moved) {
            self.cluster.removeLayer(old);
            old.setLatLng([row[1], row[2]]);
            L.setOptions(old, style);
            add.push(old);
          } else if (old.options.tone !== style.tone || old.options.urgent !== style.urgent ||
                     old.options.ring !== style.ring) {
            L.setOptions(old, style);
            if (old._map) { old.setStyle(style); old.redraw(); }
            self.cluster.refreshClusters(old);
          }
          return;
        }
        var marker = new ccc.RingMarker([row[1], row[2]], self._style(row));
        marker.caseId = id;
        marker.bindTooltip(function () { return self.tooltip(self.rows[id]); }, { direction: "top", offset: [0, -6] });
        marker.on("click", function (e) { L.DomEvent.stop(e); self.onClick(id); });
        self.markers[id] = marker;
        add.push(marker);
      });
      if (add.length) this.cluster.addLayers(add);
    },

    remove: function (ids) {
      var gone = [], self = this;
      ids.forEach(function (id) {
        if (self.markers[id]) { gone.push(self.markers[id]); delete self.markers[id]; delete self.rows[id]; }
      });
      if (gone.length) this.cluster.removeLayers(gone);
    },

    tooltip: function (row) {
      var t = this.config.texts;
      var lines = ["<b>" + ccc.escape(row[5]) + "</b> " + ccc.escape(row[6])];
      var state = (t.statusNames || {})[row[7]] || row[7];
      var tone = ccc.toneOf(row, Date.now());
      lines.push(ccc.escape(state) + " · " + ccc.escape(t.tones[tone] || tone) + (row[4] ? " · " + ccc.escape(t.urgent) : ""));
      if (row[8]) lines.push(ccc.escape(ccc.format(t.deadline, { time: ccc.formatTime(row[8]) })));
      if (row[10]) lines.push(ccc.escape(ccc.format(t.supervised, { level: (t.supervisionLevels || {})[row[10]] || row[10] })));
      return lines.join("<br>");
    },

    count: function () {
      return Object.keys(this.markers).length;
    },

    latLngOf: function (id) {
      var m = this.markers[id];
      return m ? m.getLatLng() : null;
    }
  });
})();
