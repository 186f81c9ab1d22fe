/* Drawing a campaign's area: each click adds a corner, a double-click, Enter or a click on the
 * first corner closes the polygon, Esc gives up. The corners go to Python as [lon, lat] pairs
 * (console/mappage/drawing.py turns them into GeoJSON); nothing is kept in the page after. */
(function () {
  "use strict";
  var ccc = L.ccc;
  var COLOUR = "#f472b6";
  /* A click this close (in pixels) to the first corner closes the ring. */
  var CLOSE_PX = 10;

  ccc.Draw = L.Class.extend({
    initialize: function (map, onDone) {
      this.map = map;
      this.onDone = onDone;
      this.points = [];
      this.active = false;
      this.group = L.layerGroup();
      this._key = L.bind(function (e) {
        if (e.key === "Escape") this.stop(true);
        else if (e.key === "Enter") this.finish();
      }, this);
    },

    /* Start drawing; `ring` ([[lon, lat], …]) shows the area drawn before, to redraw over. */
    start: function (ring) {
      if (this.active) this.stop(false);
      this.active = true;
      this.points = [];
      this.group.clearLayers();
      this.group.addTo(this.map);
      if (ring && ring.length >= 3) {
        this._old = L.polygon(ring.map(function (p) { return [p[1], p[0]]; }), {
          color: COLOUR, weight: 2, dashArray: "4 4", fillOpacity: 0.05, interactive: false
        }).addTo(this.group);
      }
      this._line = L.polyline([], { color: COLOUR, weight: 3, interactive: false }).addTo(this.group);
      this._ghost = L.polyline([], { color: COLOUR, weight: 2, opacity: 0.7, dashArray: "2 6",
                                     interactive: false }).addTo(this.group);
      this.map.doubleClickZoom.disable();
      L.DomUtil.addClass(this.map.getContainer(), "ccc-measuring");
      document.addEventListener("keydown", this._key);
      this.map.on("mousemove", this._preview, this);
    },

    add: function (latlng) {
      if (this.points.length >= 3) {
        var first = this.map.latLngToContainerPoint(this.points[0]);
        if (first.distanceTo(this.map.latLngToContainerPoint(latlng)) <= CLOSE_PX) {
          this.finish();
          return;
        }
      }
      var last = this.points[this.points.length - 1];
      if (last && last.equals(latlng)) return;   // the second click of a double-click
      this.points.push(latlng);
      L.circleMarker(latlng, { radius: 4, color: "#fff", weight: 2, fillColor: COLOUR, fillOpacity: 1,
                               interactive: false }).addTo(this.group);
      this._line.setLatLngs(this.points);
    },

    /* Close the ring and hand it over (fewer than three corners: nothing is drawn). */
    finish: function () {
      if (!this.active) return;
      var ring = this.points.map(function (p) { return [p.lng, p.lat]; });
      this.stop(false);
      this.onDone(ring.length >= 3 ? ring : null);
    },

    stop: function (cancelled) {
      if (!this.active) return;
      this.active = false;
      this.map.doubleClickZoom.enable();
      L.DomUtil.removeClass(this.map.getContainer(), "ccc-measuring");
      document.removeEventListener("keydown", this._key);
      this.map.off("mousemove", this._preview, this);
      this.group.clearLayers();
      this.map.removeLayer(this.group);
      this.points = [];
      if (cancelled) this.onDone(null);
    },

    _preview: function (e) {
      if (!this.points.length) return;
      var ends = [this.points[this.points.length - 1], e.latlng];
      if (this.points.length >= 2) ends.push(this.points[0]);
      this._ghost.setLatLngs(ends);
    }
  });
})();
