/* Tools around the layers: the legend, the distance measure and the highlight of a found thing. */
(function () {
  "use strict";
  var ccc = L.ccc;

  /* Legend of the cell measure, the case tones and the patrol states. */
  ccc.Legend = L.Control.extend({
    options: { position: "bottomleft" },

    initialize: function (config, options) {
      L.setOptions(this, options);
      this.config = config;
    },

    onAdd: function () {
      this._div = L.DomUtil.create("div", "ccc-legend leaflet-bar");
      L.DomEvent.disableClickPropagation(this._div);
      L.DomEvent.disableScrollPropagation(this._div);
      return this._div;
    },

    _swatches: function (colours, labels, kind) {
      var html = "";
      for (var i = 0; i < labels.length; i++) {
        if (labels[i] == null) continue;
        var c = colours[i];
        html += '<div class="ccc-legend-row"><i class="ccc-swatch ccc-swatch-' + kind + '" style="background:' +
          (c || "transparent") + '"></i>' + ccc.escape(labels[i]) + "</div>";
      }
      return html;
    },

    update: function (legend) {
      if (!this._div) return;
      this._legend = legend || this._legend;
      var c = this.config, t = c.texts, open = !!this._markersOpen;
      var html = '<div class="ccc-legend-title">' + ccc.escape(this._legend.title) + "</div>" +
        this._swatches(this._legend.colours, this._legend.labels, "cell");
      if (this._legend.note) html += '<div class="ccc-legend-note">' + ccc.escape(this._legend.note) + "</div>";
      // The marker colours are learnt once; folded by default they leave the map its room.
      html += '<a class="ccc-legend-toggle" href="#">' + (open ? "▾ " : "▸ ") + ccc.escape(t.markerLegend) + "</a>";
      if (open) {
        html += '<div class="ccc-legend-title">' + ccc.escape(t.layerCases) + '</div><div class="ccc-legend-cols">' +
          this._swatches(c.tones.map(function (k) { return c.toneColours[k]; }),
                         c.tones.map(function (k) { return t.tones[k]; }), "dot") + "</div>";
        html += '<div class="ccc-legend-title">' + ccc.escape(t.layerPatrols) + '</div><div class="ccc-legend-cols">' +
          this._swatches(c.states.map(function (k) { return c.stateColours[k]; }),
                         c.states.map(function (k) { return t.states[k]; }), "dot") + "</div>";
        var rings = c.supervisionColours || {}, levels = t.supervisionLevels || {};
        html += '<div class="ccc-legend-title">' + ccc.escape(t.supervisionRings || "") + '</div><div class="ccc-legend-cols">';
        Object.keys(rings).sort().forEach(function (k) {
          html += '<div class="ccc-legend-row"><i class="ccc-swatch ccc-swatch-ring" style="border-color:' +
            rings[k] + '"></i>' + ccc.escape(levels[k] || k) + "</div>";
        });
        html += "</div>";
      }
      this._div.innerHTML = html;
      var self = this;
      this._div.querySelector(".ccc-legend-toggle").onclick = function (e) {
        e.preventDefault();
        self._markersOpen = !self._markersOpen;
        self.update();
      };
    }
  });

  /* Click to add points, double-click or Esc to finish; reports the length to Python. */
  ccc.Measure = L.Class.extend({
    initialize: function (map, texts, onChange) {
      this.map = map;
      this.texts = texts;
      this.onChange = onChange;
      this.points = [];
      this.active = false;
      this.group = L.layerGroup();
      this._key = L.bind(function (e) { if (e.key === "Escape") this.finish(); }, this);
    },

    start: function () {
      if (this.active) return;
      this.active = true;
      this.clear();
      this.group.addTo(this.map);
      this.map.doubleClickZoom.disable();
      L.DomUtil.addClass(this.map.getContainer(), "ccc-measuring");
      document.addEventListener("keydown", this._key);
      this.map.on("mousemove", this._preview, this);
    },

    finish: function () {
      if (!this.active) return;
      this.active = false;
      this.map.doubleClickZoom.enable();
      L.DomUtil.removeClass(this.map.getContainer(), "ccc-measuring");
      document.removeEventListener("keydown", this._key);
      this.map.off("mousemove", this._preview, this);
      if (this._ghost) { this.group.removeLayer(this._ghost); this._ghost = null; }
      this.onChange(this.length(), false);
    },

    clear: function () {
      this.points = [];
      this.group.clearLayers();
      this._line = this._ghost = this._label = null;
    },

    stop: function () {
      this.finish();
      this.clear();
      this.map.removeLayer(this.group);
    },

    length: function () {
      var d = 0;
      for (var i = 1; i < this.points.length; i++) d += this.map.distance(this.points[i - 1], this.points[i]);
      return d;
    },

    add: function (latlng) {
      this.points.push(latlng);
      L.circleMarker(latlng, { radius: 4, color: "#fff", weight: 2, fillColor: "#0ea5e9", fillOpacity: 1,
                               interactive: false, pane: "highlight" }).addTo(this.group);
      if (!this._line) {
        this._line = L.polyline([], { color: "#0ea5e9", weight: 3, dashArray: "6 4", interactive: false })
          .addTo(this.group);
      }
      this._line.setLatLngs(this.points);
      var text = ccc.formatDistance(this.length(), this.texts);
      if (!this._label) {
        this._label = L.tooltip({ permanent: true, direction: "right", offset: [8, 0], className: "ccc-measure-label" });
      }
      this._label.setLatLng(latlng).setContent(text);
      if (!this.group.hasLayer(this._label)) this.group.addLayer(this._label);
      this.onChange(this.length(), true);
    },

    _preview: function (e) {
      if (!this.points.length) return;
      var last = this.points[this.points.length - 1];
      if (!this._ghost) {
        this._ghost = L.polyline([], { color: "#0ea5e9", weight: 2, opacity: 0.6, dashArray: "2 6", interactive: false })
          .addTo(this.group);
      }
      this._ghost.setLatLngs([last, e.latlng]);
    }
  });

  /* One highlight at a time: an outline, a pulsing ring, or a track. */
  ccc.Highlight = L.Class.extend({
    initialize: function (map) {
      this.map = map;
      this.group = L.layerGroup().addTo(map);
      this.follow = null;   // patrol id whose ring moves with it
    },

    clear: function () {
      this.group.clearLayers();
      this.follow = null;
      this.ring = null;
    },

    outline: function (latlngs) {
      this.clear();
      L.polygon(latlngs, { color: "#22d3ee", weight: 4, fillColor: "#22d3ee", fillOpacity: 0.15,
                           interactive: false, pane: "highlight" }).addTo(this.group);
    },

    pulse: function (latlng, followId) {
      this.clear();
      this.ring = L.marker(latlng, {
        pane: "highlight", interactive: false, keyboard: false,
        icon: L.divIcon({ className: "ccc-pulse", html: "<div></div>", iconSize: [44, 44] })
      }).addTo(this.group);
      this.follow = followId == null ? null : followId;
    },

    moveTo: function (latlng) {
      if (this.ring) this.ring.setLatLng(latlng);
    }
  });
})();
