/* District, street and community outlines (derived from the cells in Python with shapely)
 * with their names, each level shown only at the zooms where it helps.
 */
(function () {
  "use strict";
  var ccc = L.ccc;

  var STYLE = {
    dark: {
      district: { color: "#cbd5e1", weight: 3, opacity: 0.95 },
      street: { color: "#93c5fd", weight: 1.8, opacity: 0.85 },
      community: { color: "#64748b", weight: 1, opacity: 0.8, dashArray: "4 3" }
    },
    light: {
      district: { color: "#1e293b", weight: 3, opacity: 0.9 },
      street: { color: "#1d4ed8", weight: 1.8, opacity: 0.8 },
      community: { color: "#64748b", weight: 1, opacity: 0.8, dashArray: "4 3" }
    }
  };

  ccc.Boundaries = L.LayerGroup.extend({
    options: {
      level: "community",
      lineZoom: [0, 22],     // the outlines are drawn within these zooms
      labelZoom: [15, 22],   // the names within these
      theme: "dark"
    },

    initialize: function (options) {
      L.LayerGroup.prototype.initialize.call(this, [], options);
      L.setOptions(this, options);
      this._file = null;
      this._regions = null;
      var self = this;
      ccc.gridFile(function (file) {
        self._file = file;
        // After the frame that shows the grid: the outlines (tens of thousands of vertices
        // and the names at 200,000 cells) follow it instead of holding it back.
        if (file) ccc.afterPaint(function () { if (self._map) self._byZoom(); });
      });
    },

    /* Decoded when first drawn or searched: a level the start-up zoom does not show (the
     * communities of 200,000 cells: a quarter of a second) waits until it does. */
    _build: function () {
      if (this._regions || !this._file) return;
      var level = this.options.level, options = this.options, regions = [];
      var data = this._file.header.boundaries[level] || { codes: [], names: [], labels: [], ringCounts: [] };
      var s = this._file.sections;
      var rings = ccc.decodeRings(s[level + ".counts"] || [], s[level + ".coords"] || []), r = 0;
      for (var i = 0; i < data.codes.length; i++) {
        var own = rings.slice(r, r + data.ringCounts[i]);
        r += data.ringCounts[i];
        regions.push({ code: data.codes[i], name: data.names[i], label: data.labels[i], rings: own });
      }
      this._regions = regions;
      var all = [];
      regions.forEach(function (region) { all.push.apply(all, region.rings); });
      this._renderer = L.canvas({ pane: "boundaries", padding: 0.5 });
      this._lines = L.polyline(all, L.extend({ interactive: false, renderer: this._renderer },
                                               STYLE[options.theme][options.level]));
      this._labels = L.layerGroup(regions.map(function (region) {
        return L.marker(region.label, {
          pane: "labels", interactive: false, keyboard: false,
          icon: L.divIcon({ className: "ccc-label ccc-label-" + options.level, iconSize: null,
                            html: "<span>" + ccc.escape(region.name) + "</span>" })
        });
      }));
    },

    onAdd: function (map) {
      L.LayerGroup.prototype.onAdd.call(this, map);
      map.on("zoomend", this._byZoom, this);
      this._byZoom();
    },

    onRemove: function (map) {
      map.off("zoomend", this._byZoom, this);
      if (this._regions) { this.removeLayer(this._lines); this.removeLayer(this._labels); }
      L.LayerGroup.prototype.onRemove.call(this, map);
    },

    _byZoom: function () {
      var z = this._map.getZoom(), o = this.options;
      var lines = z >= o.lineZoom[0] && z <= o.lineZoom[1], labels = z >= o.labelZoom[0] && z <= o.labelZoom[1];
      if (!this._regions && !lines && !labels) return;
      this._build();
      if (!this._regions) return;   // grid.bin not read yet: drawn when it is
      this._toggle(this._lines, lines);
      this._toggle(this._labels, labels);
    },

    _toggle: function (layer, on) {
      if (on && !this.hasLayer(layer)) this.addLayer(layer);
      if (!on && this.hasLayer(layer)) this.removeLayer(layer);
    },

    setTheme: function (theme) {
      this.options.theme = theme;
      if (this._regions) this._lines.setStyle(STYLE[theme][this.options.level]);
    },

    find: function (code) {
      this._build();
      if (!this._regions) return null;
      for (var i = 0; i < this._regions.length; i++) if (this._regions[i].code === code) return this._regions[i];
      return null;
    }
  });

  ccc.boundaries = function (options) {
    return new ccc.Boundaries(options);
  };
})();
