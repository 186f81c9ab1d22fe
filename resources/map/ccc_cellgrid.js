/* The unit grid: every cell drawn into canvas tiles, shaded by the current measure.
 *
 * Why not one Leaflet polygon per cell: 50,000 L.Polygon objects cost seconds to create,
 * ~100 MB, and a hit test over all of them on every mouse move. Here the cells live in typed
 * arrays with a bucket index; a tile draws only the cells that touch it, one path per colour,
 * and a recolour redraws only the tiles that hold the changed cells. Panning reuses tiles.
 */
(function () {
  "use strict";
  var ccc = L.ccc;

  ccc.CellGrid = L.GridLayer.extend({
    options: {
      pane: "cells",
      updateWhenZooming: false,
      keepBuffer: 3,
      maxZoom: 22,
      outlineZoom: 15,      // below this a 100 m cell is ten pixels or less: outlines would be a mesh
      labelZoom: 18,        // cell codes fit inside a cell from here on
      fillOpacity: 0.55,
      outline: "rgba(148, 163, 184, 0.55)",
      label: "rgba(226, 232, 240, 0.85)"
    },

    /* `data`: the measure (data.js); the shapes come from grid.bin when it is read. Until
     * then the layer has no cells (n = 0) and draws empty tiles. */
    initialize: function (data, options) {
      L.setOptions(this, options);
      this.n = 0;
      this.loaded = false;
      this._codes = [];
      this.community = null;
      this.communityNames = [];
      this.values = new Int16Array(0);
      this.classes = new Uint8Array(0);
      this._pendingMeasure = [data.measure, data.legend, data.values];
      this.measure = data.measure;
      this.legend = data.legend || { breaks: [], colours: [] };
      this._palette = [];
      var self = this;
      ccc.gridFile(function (file, error) {
        if (error) { self.loadError = error; self.fire("gridfailed", { error: error }); return; }
        self._setGrid(file);
      });
    },

    /* The cells from grid.bin: projected integer units (one per pixel at zoom 22) → world
     * pixels at zoom 0, each cell's box and centre, and the bucket index. */
    _setGrid: function (file) {
      ccc.mark("gridInit");
      var h = file.header, s = file.sections, n = h.n, unit = 1 / h.units;
      var counts = s.counts, origin = s.origin, delta = s.delta;
      var total = 0;
      for (var c = 0; c < n; c++) total += counts[c];
      this.n = n;
      this.start = new Uint32Array(n + 1);
      var xs = (this.xs = new Float64Array(total)), ys = (this.ys = new Float64Array(total));
      var box = (this.box = new Float64Array(4 * n));   // minX, minY, maxX, maxY per cell
      this.cx = new Float64Array(n);
      this.cy = new Float64Array(n);
      var k = 0, d = 0;
      for (var i = 0; i < n; i++) {
        this.start[i] = k;
        var count = counts[i], x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity, sx = 0, sy = 0;
        var ox = origin[2 * i], oy = origin[2 * i + 1];
        for (var j = 0; j < count; j++, k++) {
          var x = ox, y = oy;
          if (j) { x += delta[d++]; y += delta[d++]; }
          x *= unit; y *= unit;
          xs[k] = x; ys[k] = y; sx += x; sy += y;
          if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y;
        }
        box[4 * i] = x0; box[4 * i + 1] = y0; box[4 * i + 2] = x1; box[4 * i + 3] = y1;
        this.cx[i] = sx / Math.max(1, count); this.cy[i] = sy / Math.max(1, count);
      }
      this.start[n] = k;
      ccc.mark("gridShapes");
      this._codeText = s.codeText;
      this._codeShared = s.codeShared;
      this._codeLengths = s.codeLengths;
      this._codes = null;
      this.community = s.community;
      this.communityNames = h.communityNames || [];
      this._codeIndex = null;
      this._stamp = new Uint32Array(n);
      this._stampId = 0;
      this._buildIndex();
      ccc.mark("gridIndex");
      this.values = new Int16Array(n);
      this.classes = new Uint8Array(n);
      this.loaded = true;
      var m = this._pendingMeasure;
      this._pendingMeasure = null;
      this.setMeasure(m[0], m[1], m[2]);   // draws the tiles there are
      ccc.mark("gridDecoded");
      this.fire("gridready");
    },

    /* Calls fn once the cells are in (at once if they are). */
    whenReady: function (fn, context) {
      if (this.loaded) fn.call(context);
      else this.once("gridready", fn, context);
      return this;
    },

    _buildIndex: function () {
      // A uniform bucket grid over the city, about four cells wide per bucket.
      var n = this.n, bx0 = Infinity, by0 = Infinity, bx1 = -Infinity, by1 = -Infinity, w = 0;
      for (var i = 0; i < n; i++) {
        var b = 4 * i;
        if (this.box[b] < bx0) bx0 = this.box[b];
        if (this.box[b + 1] < by0) by0 = this.box[b + 1];
        if (this.box[b + 2] > bx1) bx1 = this.box[b + 2];
        if (this.box[b + 3] > by1) by1 = this.box[b + 3];
        w += this.box[b + 2] - this.box[b];
      }
      var size = n ? Math.max((w / n) * 4, (bx1 - bx0) / 2048, 1e-9) : 1;
      this.bx0 = n ? bx0 : 0; this.by0 = n ? by0 : 0; this.bsize = size;
      this.nbx = n ? Math.max(1, Math.ceil((bx1 - bx0) / size) + 1) : 1;
      this.nby = n ? Math.max(1, Math.ceil((by1 - by0) / size) + 1) : 1;
      var nb = this.nbx * this.nby, fill = new Uint32Array(nb + 1);
      this._eachBucket(function (bucket) { fill[bucket + 1]++; });
      for (var q = 0; q < nb; q++) fill[q + 1] += fill[q];
      this.bstart = fill.slice();
      this.bcells = new Uint32Array(fill[nb]);
      var cursor = fill.slice(0, nb);
      var cells = this.bcells;
      this._eachBucket(function (bucket, cell) { cells[cursor[bucket]++] = cell; });
    },

    _eachBucket: function (fn) {
      for (var i = 0; i < this.n; i++) {
        var b = 4 * i;
        var ix0 = Math.floor((this.box[b] - this.bx0) / this.bsize);
        var iy0 = Math.floor((this.box[b + 1] - this.by0) / this.bsize);
        var ix1 = Math.floor((this.box[b + 2] - this.bx0) / this.bsize);
        var iy1 = Math.floor((this.box[b + 3] - this.by0) / this.bsize);
        for (var ix = ix0; ix <= ix1; ix++)
          for (var iy = iy0; iy <= iy1; iy++) fn(iy * this.nbx + ix, i);
      }
    },

    /* Indexes of the cells whose boxes meet a box in zoom-0 world pixels (each once). */
    cellsIn: function (x0, y0, x1, y1) {
      var out = [];
      if (!this.n) return out;
      var ix0 = Math.max(0, Math.floor((x0 - this.bx0) / this.bsize));
      var iy0 = Math.max(0, Math.floor((y0 - this.by0) / this.bsize));
      var ix1 = Math.min(this.nbx - 1, Math.floor((x1 - this.bx0) / this.bsize));
      var iy1 = Math.min(this.nby - 1, Math.floor((y1 - this.by0) / this.bsize));
      var stamp = ++this._stampId;
      if (stamp === 0xffffffff) { this._stamp.fill(0); stamp = this._stampId = 1; }
      for (var iy = iy0; iy <= iy1; iy++) {
        for (var ix = ix0; ix <= ix1; ix++) {
          var bucket = iy * this.nbx + ix;
          for (var p = this.bstart[bucket]; p < this.bstart[bucket + 1]; p++) {
            var c = this.bcells[p], b = 4 * c;
            if (this._stamp[c] === stamp) continue;
            this._stamp[c] = stamp;
            if (this.box[b + 2] >= x0 && this.box[b] <= x1 && this.box[b + 3] >= y0 && this.box[b + 1] <= y1)
              out.push(c);
          }
        }
      }
      return out;
    },

    /* The measure: dense values (base64 int16) and how to colour them. */
    setMeasure: function (measure, legend, valuesB64) {
      if (!this.loaded) { this._pendingMeasure = [measure, legend, valuesB64]; return; }
      this.measure = measure;
      this.legend = legend || { breaks: [], colours: [] };
      if (valuesB64 != null) {
        var v = ccc.decode(valuesB64, Int16Array);
        if (v.length === this.n) this.values = v;
      }
      this._palette = (this.legend.colours || []).map(function (c) { return c || null; });
      for (var i = 0; i < this.n; i++) this.classes[i] = this._classOf(this.values[i]);
      this._redrawAll();
    },

    _classOf: function (value) {
      var legend = this.legend;
      if (legend.categorical) {
        // Categorical: the value is a colour number; the last colour is "none" (value < 0).
        var k = legend.colours.length - 1;
        return value < 0 ? k : value % k;
      }
      return ccc.classOf(value, legend.breaks);
    },

    /* Change some cells' values; only the tiles holding them are redrawn. */
    updateValues: function (indexes, values) {
      var dirty = [];
      for (var i = 0; i < indexes.length; i++) {
        var c = indexes[i];
        if (c < 0 || c >= this.n) continue;
        this.values[c] = values[i];
        var cls = this._classOf(values[i]);
        if (cls !== this.classes[c]) { this.classes[c] = cls; dirty.push(c); }
      }
      if (dirty.length) this._redrawCells(dirty);
      return dirty.length;
    },

    colourOf: function (index) {
      return index >= 0 && index < this.n ? this._palette[this.classes[index]] : null;
    },

    indexOf: function (code) {
      if (!this._codeIndex) {
        this._codeIndex = new Map();
        for (var i = 0; i < this.codes.length; i++) this._codeIndex.set(this.codes[i], i);
      }
      var found = this._codeIndex.get(code);
      return found === undefined ? -1 : found;
    },

    /* The cell under a point, or -1. */
    hitTest: function (latlng) {
      var x = ccc.projectX(latlng.lng), y = ccc.projectY(latlng.lat);
      var found = this.cellsIn(x, y, x, y);
      for (var i = 0; i < found.length; i++) {
        var c = found[i];
        if (ccc.inRing(x, y, this.xs, this.ys, this.start[c], this.start[c + 1])) return c;
      }
      return -1;
    },

    latLngsOf: function (index) {
      var out = [];
      for (var k = this.start[index]; k < this.start[index + 1]; k++) out.push(ccc.unproject(this.xs[k], this.ys[k]));
      return out;
    },

    boundsOf: function (index) {
      var b = 4 * index;
      return L.latLngBounds(ccc.unproject(this.box[b], this.box[b + 3]), ccc.unproject(this.box[b + 2], this.box[b + 1]));
    },

    centreOf: function (index) {
      return ccc.unproject(this.cx[index], this.cy[index]);
    },

    createTile: function (coords) {
      var tile = L.DomUtil.create("canvas", "leaflet-tile");
      var size = this.getTileSize(), ratio = window.devicePixelRatio || 1;
      tile.width = size.x * ratio;
      tile.height = size.y * ratio;
      this._drawTile(tile, coords);
      return tile;
    },

    _drawTile: function (tile, coords) {
      var t0 = performance.now();
      try { this._paint(tile, coords); } finally {
        ccc.marks.drawMs = Math.round(((ccc.marks.drawMs || 0) + performance.now() - t0) * 10) / 10;
        ccc.marks.tiles = (ccc.marks.tiles || 0) + 1;
      }
    },

    _paint: function (tile, coords) {
      var ctx = tile.getContext("2d"), size = this.getTileSize();
      var ratio = tile.width / size.x, scale = Math.pow(2, coords.z);
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.clearRect(0, 0, size.x, size.y);
      var ox = coords.x * size.x, oy = coords.y * size.y, margin = 2 / scale;
      var cells = this.cellsIn(ox / scale - margin, oy / scale - margin,
                               (ox + size.x) / scale + margin, (oy + size.y) / scale + margin);
      if (!cells.length) return;
      var xs = this.xs, ys = this.ys, start = this.start, self = this;
      function trace(c) {
        var s = start[c], e = start[c + 1];
        ctx.moveTo(xs[s] * scale - ox, ys[s] * scale - oy);
        for (var k = s + 1; k < e; k++) ctx.lineTo(xs[k] * scale - ox, ys[k] * scale - oy);
        ctx.closePath();
      }
      // One path per colour: a few fills per tile instead of one per cell.
      var byClass = {};
      for (var i = 0; i < cells.length; i++) {
        var cls = this.classes[cells[i]];
        if (this._palette[cls]) (byClass[cls] = byClass[cls] || []).push(cells[i]);
      }
      ctx.globalAlpha = this.options.fillOpacity;
      Object.keys(byClass).forEach(function (cls) {
        ctx.beginPath();
        byClass[cls].forEach(trace);
        ctx.fillStyle = self._palette[cls];
        ctx.fill();
      });
      ctx.globalAlpha = 1;
      if (coords.z >= this.options.outlineZoom) {
        ctx.beginPath();
        cells.forEach(trace);
        ctx.lineWidth = coords.z >= 17 ? 1 : 0.6;
        ctx.globalAlpha = coords.z >= 17 ? 1 : 0.6;
        ctx.strokeStyle = this.options.outline;
        ctx.stroke();
        ctx.globalAlpha = 1;
      }
      if (coords.z >= this.options.labelZoom) {
        ctx.font = (coords.z >= 19 ? 12 : 10) + "px 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif";
        ctx.textAlign = "center";
        ctx.textBaseline = "middle";
        ctx.fillStyle = this.options.label;
        cells.forEach(function (c) {
          ctx.fillText(self.codes[c] || "", self.cx[c] * scale - ox, self.cy[c] * scale - oy);
        });
      }
    },

    _tileBox: function (tile) {
      var size = this.getTileSize(), scale = Math.pow(2, tile.coords.z);
      return [tile.coords.x * size.x / scale, tile.coords.y * size.y / scale,
              (tile.coords.x + 1) * size.x / scale, (tile.coords.y + 1) * size.y / scale];
    },

    _redrawCells: function (cells) {
      for (var key in this._tiles) {
        var tile = this._tiles[key], t = this._tileBox(tile);
        for (var i = 0; i < cells.length; i++) {
          var b = 4 * cells[i];
          if (this.box[b + 2] >= t[0] && this.box[b] <= t[2] && this.box[b + 3] >= t[1] && this.box[b + 1] <= t[3]) {
            this._drawTile(tile.el, tile.coords);
            break;
          }
        }
      }
    },

    _redrawAll: function () {
      // Repaint the tiles in place: recreating them (redraw()) would flash the background.
      // Tiles of another zoom (kept until the new ones are in) are about to go: not drawn.
      for (var key in this._tiles || {}) {
        var tile = this._tiles[key];
        if (tile.coords.z === this._tileZoom) this._drawTile(tile.el, tile.coords);
      }
    },

    setColours: function (outline, label) {
      this.options.outline = outline;
      this.options.label = label;
      this._redrawAll();
    }
  });

  /* Every cell's code, made when first asked for: 200,000 strings are not needed to draw.
   * (A property of the prototype: Leaflet's extend() would copy a getter's value.) */
  Object.defineProperty(ccc.CellGrid.prototype, "codes", {
    get: function () {
      if (!this._codes) {
        // Front-coded (grid_binary._codes): each shares a head with the one before.
        var text = this._codeText ? new TextDecoder().decode(this._codeText) : "", out = [], at = 0;
        var shared = this._codeShared || [], lengths = this._codeLengths || [], previous = "";
        for (var i = 0; i < lengths.length; i++) {
          previous = previous.substr(0, shared[i]) + text.substr(at, lengths[i]);
          out.push(previous);
          at += lengths[i];
        }
        this._codes = out;
      }
      return this._codes;
    },
    set: function (value) { this._codes = value; }
  });

  ccc.cellGrid = function (options) {
    return new ccc.CellGrid(window.CCC_DATA.cells, options);
  };
})();
