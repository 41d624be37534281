/* The items of the offline HTML map: decoded once from the compact data (geo/mapview/compact.py),
   drawn on one canvas, counted per grid cell when a view holds too many to draw one by one.
   Every string from data reaches the page through textContent / text nodes, never as HTML.

   For tests and benchmarks the page sets <html data-geo-drawn="ms since navigation"> after its
   first draw (data-geo-problem when the data cannot be read) and window.geoOffline:
   state() -> what is drawn now; point(i) -> container pixel of item i's anchor (items drawn on
   the map come first, in the order of the data); cellPoints() -> the count cells on screen. */
(function (map, config) {
  "use strict";
  var D2R = Math.PI / 180;
  var KIND_NOT_DRAWN = 0, KIND_POINT = 1;
  var PART_POINTS = 1, PART_LINE = 2, PART_OUTER = 3, PART_HOLE = 4;
  var L_ = config.labels;

  function fmt(text, values) {
    return text.replace(/\{(\w+)\}/g, function (m, key) { return key in values ? String(values[key]) : m; });
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  // ---- reading the data ------------------------------------------------------------------
  function readData(node) {
    var codec = node.getAttribute("data-codec");
    if (codec === "json") return Promise.resolve(JSON.parse(node.textContent));
    if (codec !== "gzip-base64") return Promise.reject(new Error("codec " + codec));
    if (typeof DecompressionStream === "undefined" || typeof Response === "undefined") {
      return Promise.reject(new Error(L_.old_browser));
    }
    var text = atob(node.textContent.replace(/\s+/g, ""));
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text().then(JSON.parse);
  }

  // Web Mercator at zoom 0, in Leaflet's pixel space (L.CRS.EPSG3857.latLngToPoint(ll, 0)).
  var MAX_LAT = 85.0511287798;
  function worldX(lon) { return 256 * (lon / 360 + 0.5); }
  function worldY(lat) {
    var s = Math.sin(Math.max(Math.min(MAX_LAT, lat), -MAX_LAT) * D2R);
    return 256 * (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI));
  }

  function resolveStrings(table, column) {
    var out = new Array(column.length), next = 0;
    for (var i = 0; i < column.length; i++) {
      var v = column[i];
      if (v < 0) { v = next; next += 1; }
      out[i] = table[v];
    }
    return out;
  }

  function Model(d) {
    var n = d.n, q = d.q, ox = d.o[0], oy = d.o[1];
    this.n = n;
    this.name = resolveStrings(d.strings.name, d.cols.name);
    this.text = resolveStrings(d.strings.text, d.cols.text);
    this.area = resolveStrings(d.strings.area, d.cols.area);
    this.place = resolveStrings(d.strings.place, d.cols.place);
    this.codes = d.codes;
    this.status = Int8Array.from(d.cols.status);
    this.category = Int8Array.from(d.cols.category);
    this.precision = Int8Array.from(d.cols.precision);
    this.badge = Int32Array.from(d.cols.badge);
    this.kind = Uint8Array.from(d.kind);
    // anchor and bounds of every drawn item in world pixels at zoom 0 (NaN when not drawn)
    this.x = new Float64Array(n).fill(NaN);
    this.y = new Float64Array(n).fill(NaN);
    this.box = new Float64Array(4 * n);
    this.partStart = new Int32Array(n + 1);
    this.partKind = new Uint8Array(d.parts.length);
    this.partXY = new Array(d.parts.length);
    var ax = 0, ay = 0, a = 0, p = 0;
    for (var i = 0; i < n; i++) {
      this.partStart[i] = p;
      if (this.kind[i] === KIND_NOT_DRAWN) continue;
      ax += d.ax[a]; ay += d.ay[a]; a += 1;
      var wx = worldX((ox + ax) / q), wy = worldY((oy + ay) / q);
      this.x[i] = wx; this.y[i] = wy;
      var minX = wx, minY = wy, maxX = wx, maxY = wy;
      for (var k = 0; k < d.np[i]; k++, p++) {
        var part = d.parts[p], px = ax, py = ay, xy = new Float64Array(part.length - 1);
        this.partKind[p] = part[0];
        for (var j = 1; j < part.length; j += 2) {
          px += part[j]; py += part[j + 1];
          var X = worldX((ox + px) / q), Y = worldY((oy + py) / q);
          xy[j - 1] = X; xy[j] = Y;
          if (X < minX) minX = X; if (X > maxX) maxX = X;
          if (Y < minY) minY = Y; if (Y > maxY) maxY = Y;
        }
        this.partXY[p] = xy;
      }
      this.box[4 * i] = minX; this.box[4 * i + 1] = minY; this.box[4 * i + 2] = maxX; this.box[4 * i + 3] = maxY;
    }
    this.partStart[n] = p;
    var b = d.badges;
    this.badges = b.label.map(function (label, k) {
      return {label: label, lat: (oy + b.y[k]) / q, lon: (ox + b.x[k]) / q, areas: b.areas[k]};
    });
    this.on = new Uint8Array(n);
  }

  Model.prototype.code = function (field, i) {
    var c = this[field][i];
    return c >= 0 ? this.codes[field][c] : null;
  };

  // ---- filters ---------------------------------------------------------------------------
  function Filter(model) {
    this.model = model;
    this.status = {};
    this.category = {};
    var self = this;
    model.codes.status.concat([null]).forEach(function (c) { self.status[c] = true; });
    model.codes.category.concat([null]).forEach(function (c) { self.category[c] = true; });
  }

  Filter.prototype.apply = function () {
    var m = this.model, onStatus = [], onCat = [], shown = 0, drawn = 0;
    var codesS = m.codes.status, codesC = m.codes.category;
    for (var s = -1; s < codesS.length; s++) onStatus[s + 1] = this.status[s >= 0 ? codesS[s] : null] ? 1 : 0;
    for (var c = -1; c < codesC.length; c++) onCat[c + 1] = this.category[c >= 0 ? codesC[c] : null] ? 1 : 0;
    for (var i = 0; i < m.n; i++) {
      var on = onStatus[m.status[i] + 1] & onCat[m.category[i] + 1];
      m.on[i] = on;
      shown += on;
      if (on && m.kind[i] !== KIND_NOT_DRAWN) drawn += 1;
    }
    return {shown: shown, drawn: drawn, total: m.n};
  };

  // ---- detail of one item (popup and list) -------------------------------------------------
  function detail(model, i) {
    var box = el("div", "geo-popup geo-offline-detail");
    box.appendChild(el("h4", null, model.name[i] || "—"));
    var table = el("table");
    var rows = [
      [L_.category, L_.category_label[model.code("category", i)] || model.code("category", i) || ""],
      [L_.status, L_.status_label[model.code("status", i)] || model.code("status", i) || ""],
      [L_.area, model.area[i]],
      [L_.places, model.place[i]],
      [L_.precision, L_.precision_label[model.code("precision", i)] || model.code("precision", i) || ""],
      [L_.source_text, model.text[i]]
    ];
    rows.forEach(function (row) {
      if (!row[1]) return;
      var tr = el("tr");
      tr.appendChild(el("th", null, row[0]));
      tr.appendChild(el("td", null, row[1]));
      table.appendChild(tr);
    });
    box.appendChild(table);
    return box;
  }

  function summary(model, i) {
    var box = el("div", "geo-offline-tip");
    box.appendChild(el("b", null, model.name[i] || "—"));
    box.appendChild(el("br"));
    box.appendChild(document.createTextNode(
      (L_.category_label[model.code("category", i)] || "") + " · " + (L_.status_label[model.code("status", i)] || "")));
    return box;
  }

  // ---- the canvas ------------------------------------------------------------------------
  var ItemCanvas = L.Renderer.extend({
    options: {padding: 0.3},

    initialize: function (model, options) {
      L.Renderer.prototype.initialize.call(this, options);
      this.model = model;
      this.mode = "items";
      this.drawnPoints = [];
      this.drawnLines = [];
      this.drawnAreas = [];
      this.cells = [];
    },

    _initContainer: function () {
      this._container = el("canvas", "geo-offline-canvas");
      this._ctx = this._container.getContext("2d");
    },

    _destroyContainer: function () {
      L.DomUtil.remove(this._container);
      delete this._ctx;
      delete this._container;
    },

    _updatePaths: function () {},

    _update: function () {
      if (this._map._animatingZoom && this._bounds) return;
      L.Renderer.prototype._update.call(this);
      var b = this._bounds, size = b.getSize(), ratio = window.devicePixelRatio || 1, c = this._container;
      L.DomUtil.setPosition(c, b.min);
      c.width = Math.round(ratio * size.x);
      c.height = Math.round(ratio * size.y);
      c.style.width = size.x + "px";
      c.style.height = size.y + "px";
      this._ratio = ratio;
      this.draw();
    },

    // layer point of a world (zoom 0) coordinate at the current zoom
    _scale: function () { return Math.pow(2, this._map.getZoom()); },

    draw: function () {
      var map = this._map, ctx = this._ctx;
      if (!map || !ctx || !this._bounds) return;
      var b = this._bounds, r = this._ratio;
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, this._container.width, this._container.height);
      ctx.setTransform(r, 0, 0, r, -b.min.x * r, -b.min.y * r);
      var m = this.model, scale = this._scale(), origin = map.getPixelOrigin();
      var minX = (b.min.x + origin.x) / scale, minY = (b.min.y + origin.y) / scale;
      var maxX = (b.max.x + origin.x) / scale, maxY = (b.max.y + origin.y) / scale;
      var inView = [];
      for (var i = 0; i < m.n; i++) {
        if (!m.on[i] || m.kind[i] === KIND_NOT_DRAWN) continue;
        if (m.box[4 * i] > maxX || m.box[4 * i + 2] < minX || m.box[4 * i + 1] > maxY || m.box[4 * i + 3] < minY) continue;
        inView.push(i);
      }
      this.drawnPoints = []; this.drawnLines = []; this.drawnAreas = []; this.cells = [];
      var ox = origin.x, oy = origin.y;
      if (inView.length > config.detailMax && map.getZoom() < map.getMaxZoom()) {
        this.mode = "cells";
        this._drawCells(ctx, inView, scale, ox, oy);
      } else {
        this.mode = "items";
        this._drawItems(ctx, inView, scale, ox, oy);
      }
      this.drawnZoom = map.getZoom();
      this.fire("drawn");
    },

    _drawCells: function (ctx, inView, scale, ox, oy) {
      // cells of a grid fixed to the zoom level's pixels, so counts do not jump while panning
      var m = this.model, size = config.cellPx, cells = new Map(), list = [];
      for (var k = 0; k < inView.length; k++) {
        var i = inView[k], X = m.x[i] * scale, Y = m.y[i] * scale;
        var key = Math.floor(X / size) * 1e7 + Math.floor(Y / size), cell = cells.get(key);
        if (!cell) {
          cell = {n: 0, sx: 0, sy: 0, minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity};
          cells.set(key, cell);
          list.push(cell);
        }
        cell.n += 1; cell.sx += X; cell.sy += Y;
        if (m.x[i] < cell.minX) cell.minX = m.x[i]; if (m.x[i] > cell.maxX) cell.maxX = m.x[i];
        if (m.y[i] < cell.minY) cell.minY = m.y[i]; if (m.y[i] > cell.maxY) cell.maxY = m.y[i];
      }
      ctx.font = "bold 13px sans-serif";
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      for (var c = 0; c < list.length; c++) {
        var cell2 = list[c], cx = cell2.sx / cell2.n - ox, cy = cell2.sy / cell2.n - oy;
        var label = String(cell2.n), radius = Math.max(14, 7 + 4 * label.length);
        ctx.beginPath();
        ctx.arc(cx, cy, radius, 0, 2 * Math.PI);
        ctx.fillStyle = "rgba(0,90,160,.88)";
        ctx.fill();
        ctx.lineWidth = 2;
        ctx.strokeStyle = "#fff";
        ctx.stroke();
        ctx.fillStyle = "#fff";
        ctx.fillText(label, cx, cy);
        cell2.x = cx; cell2.y = cy; cell2.r = radius;
        this.cells.push(cell2);
      }
    },

    _path: function (ctx, xy, scale, ox, oy, close) {
      ctx.moveTo(xy[0] * scale - ox, xy[1] * scale - oy);
      for (var j = 2; j < xy.length; j += 2) ctx.lineTo(xy[j] * scale - ox, xy[j + 1] * scale - oy);
      if (close) ctx.closePath();
    },

    _drawItems: function (ctx, inView, scale, ox, oy) {
      var m = this.model, self = this, points = [];
      ctx.lineJoin = "round";
      ctx.lineCap = "round";
      // areas under lines under points, as the app's layers stack
      inView.forEach(function (i) {
        if (m.kind[i] === KIND_POINT) { points.push([i, m.x[i], m.y[i]]); return; }
        var colour = config.statusColours[m.code("status", i)] || config.unknownColour;
        var area = false, line = false;
        for (var p = m.partStart[i]; p < m.partStart[i + 1]; p++) {
          if (m.partKind[p] === PART_OUTER || m.partKind[p] === PART_HOLE) area = true;
          else if (m.partKind[p] === PART_LINE) line = true;
          else {
            for (var j = 0; j < m.partXY[p].length; j += 2) points.push([i, m.partXY[p][j], m.partXY[p][j + 1]]);
          }
        }
        if (area) {
          ctx.beginPath();
          for (var p2 = m.partStart[i]; p2 < m.partStart[i + 1]; p2++) {
            if (m.partKind[p2] === PART_OUTER || m.partKind[p2] === PART_HOLE) self._path(ctx, m.partXY[p2], scale, ox, oy, true);
          }
          ctx.globalAlpha = 0.25; ctx.fillStyle = colour; ctx.fill("evenodd");
          ctx.globalAlpha = 0.9; ctx.lineWidth = 3; ctx.strokeStyle = colour; ctx.setLineDash([]); ctx.stroke();
          ctx.globalAlpha = 1;
          self.drawnAreas.push(i);
        }
        if (line) self.drawnLines.push(i);
      });
      this.drawnLines.forEach(function (i) {
        var colour = config.statusColours[m.code("status", i)] || config.unknownColour;
        ctx.beginPath();
        for (var p = m.partStart[i]; p < m.partStart[i + 1]; p++) {
          if (m.partKind[p] === PART_LINE) self._path(ctx, m.partXY[p], scale, ox, oy, false);
        }
        ctx.globalAlpha = 0.9; ctx.lineWidth = 6; ctx.strokeStyle = colour;
        ctx.setLineDash(config.dash[m.code("category", i)] || []);
        ctx.stroke();
        ctx.globalAlpha = 1;
      });
      ctx.setLineDash([]);
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      ctx.font = "bold 13px \"Noto Sans CJK SC\",\"Microsoft YaHei\",sans-serif";
      var half = config.symbolPx / 2;
      points.forEach(function (pt) {
        var i = pt[0], cx = pt[1] * scale - ox, cy = pt[2] * scale - oy, cat = m.code("category", i);
        var shape = config.shapes[cat] || "circle";
        ctx.beginPath();
        if (shape === "circle") ctx.arc(cx, cy, half, 0, 2 * Math.PI);
        else if (shape === "square") ctx.rect(cx - half, cy - half, 2 * half, 2 * half);
        else { ctx.moveTo(cx, cy - half - 2); ctx.lineTo(cx + half + 2, cy); ctx.lineTo(cx, cy + half + 2); ctx.lineTo(cx - half - 2, cy); ctx.closePath(); }
        ctx.fillStyle = config.statusColours[m.code("status", i)] || config.unknownColour;
        ctx.fill();
        ctx.lineWidth = 3; ctx.strokeStyle = "#333"; ctx.stroke();
        ctx.lineWidth = 2; ctx.strokeStyle = "#fff"; ctx.stroke();
        ctx.fillStyle = "#fff";
        ctx.fillText(config.glyphs[cat] || config.glyphs.other, cx, cy + 1);
        self.drawnPoints.push([i, cx, cy]);
      });
    },

    // items (or a cell) under a layer point
    hits: function (lp) {
      var m = this.model, scale = this._scale(), origin = this._map.getPixelOrigin(), ox = origin.x, oy = origin.y;
      if (this.mode === "cells") {
        for (var c = this.cells.length - 1; c >= 0; c--) {
          var cell = this.cells[c];
          if (Math.pow(cell.x - lp.x, 2) + Math.pow(cell.y - lp.y, 2) <= cell.r * cell.r) return {cell: cell, items: []};
        }
        return {cell: null, items: []};
      }
      var found = [], seen = {}, reach = config.symbolPx / 2 + 3;
      function add(i) { if (!seen[i]) { seen[i] = true; found.push(i); } }
      for (var k = this.drawnPoints.length - 1; k >= 0; k--) {
        var pt = this.drawnPoints[k];
        if (Math.abs(pt[1] - lp.x) <= reach && Math.abs(pt[2] - lp.y) <= reach) add(pt[0]);
      }
      for (var l = this.drawnLines.length - 1; l >= 0; l--) {
        var i = this.drawnLines[l];
        for (var p = m.partStart[i]; p < m.partStart[i + 1]; p++) {
          if (m.partKind[p] === PART_LINE && nearLine(m.partXY[p], scale, ox, oy, lp, 6)) { add(i); break; }
        }
      }
      for (var a = this.drawnAreas.length - 1; a >= 0; a--) {
        var ia = this.drawnAreas[a], inside = false;
        for (var p2 = m.partStart[ia]; p2 < m.partStart[ia + 1]; p2++) {
          var kind = m.partKind[p2];
          if (kind !== PART_OUTER && kind !== PART_HOLE) continue;
          if (inRing(m.partXY[p2], scale, ox, oy, lp)) inside = !inside;
          if (nearLine(m.partXY[p2], scale, ox, oy, lp, 4)) { inside = true; break; }
        }
        if (inside) add(ia);
      }
      return {cell: null, items: found};
    }
  });

  function nearLine(xy, scale, ox, oy, lp, tolerance) {
    var px = xy[0] * scale - ox, py = xy[1] * scale - oy;
    if (xy.length === 2) return Math.hypot(px - lp.x, py - lp.y) <= tolerance;
    for (var j = 2; j < xy.length; j += 2) {
      var qx = xy[j] * scale - ox, qy = xy[j + 1] * scale - oy, dx = qx - px, dy = qy - py;
      var len = dx * dx + dy * dy, t = len ? ((lp.x - px) * dx + (lp.y - py) * dy) / len : 0;
      t = Math.max(0, Math.min(1, t));
      if (Math.hypot(px + t * dx - lp.x, py + t * dy - lp.y) <= tolerance) return true;
      px = qx; py = qy;
    }
    return false;
  }

  function inRing(xy, scale, ox, oy, lp) {
    var inside = false, n = xy.length;
    for (var j = 0, k = n - 2; j < n; k = j, j += 2) {
      var xj = xy[j] * scale - ox, yj = xy[j + 1] * scale - oy, xk = xy[k] * scale - ox, yk = xy[k + 1] * scale - oy;
      if ((yj > lp.y) !== (yk > lp.y) && lp.x < (xk - xj) * (lp.y - yj) / (yk - yj) + xj) inside = !inside;
    }
    return inside;
  }

  // ---- controls --------------------------------------------------------------------------
  function checkbox(label, checked, onChange, extra) {
    var row = el("label", "geo-offline-check");
    var box = el("input");
    box.type = "checkbox";
    box.checked = checked;
    box.addEventListener("change", function () { onChange(box.checked); });
    row.appendChild(box);
    if (extra) row.appendChild(extra);
    row.appendChild(document.createTextNode(label));
    return {row: row, box: box};
  }

  function FilterControl(model, filter, onChange) {
    var control = L.control({position: "topright"});
    control.onAdd = function () {
      var root = el("details", "geo-offline-panel geo-offline-filters");
      if (window.innerWidth >= 700 && window.innerHeight >= 560) root.open = true;
      var head = el("summary", null, L_.filters);
      var count = el("span", "geo-offline-count");
      head.appendChild(document.createTextNode(" "));
      head.appendChild(count);
      root.appendChild(head);
      control.count = count;
      function group(title, field, codes, labels, decorate, folded) {
        var present = {}, totals = {};
        for (var i = 0; i < model.n; i++) {
          var c = model.code(field, i);
          present[c] = true;
          totals[c] = (totals[c] || 0) + 1;
        }
        var wanted = codes.concat([null]).filter(function (c) { return present[c]; });
        if (!wanted.length) return;
        // a long list (the categories) folds, so the panel does not cover the map
        var holder = root;
        if (folded) {
          holder = el("details", "geo-offline-fold");
          holder.appendChild(el("summary", "geo-offline-h", title));
          root.appendChild(holder);
        } else {
          root.appendChild(el("div", "geo-offline-h", title));
        }
        var boxes = [];
        var all = checkbox(L_.all, true, function (on) {
          wanted.forEach(function (c) { filter[field][c] = on; });
          boxes.forEach(function (b) { b.checked = on; });
          onChange();
        });
        all.row.classList.add("geo-offline-all");
        holder.appendChild(all.row);
        var list = el("div", "geo-offline-grid");
        wanted.forEach(function (c) {
          var item = checkbox((c === null ? L_.unknown : (labels[c] || c)) + " (" + totals[c] + ")", true, function (on) {
            filter[field][c] = on;
            all.box.checked = wanted.every(function (w) { return filter[field][w]; });
            onChange();
          }, decorate(c));
          item.row.setAttribute("data-code", c === null ? "" : c);
          item.row.setAttribute("data-field", field);
          boxes.push(item.box);
          list.appendChild(item.row);
        });
        holder.appendChild(list);
      }
      group(L_.status, "status", model.codes.status, L_.status_label, function (c) {
        var swatch = el("span", "geo-legend-swatch");
        swatch.style.background = config.statusColours[c] || config.unknownColour;
        return swatch;
      });
      group(L_.category, "category", model.codes.category, L_.category_label, function (c) {
        var sym = el("span", "geo-sym geo-sym-" + (config.shapes[c] || "circle") + " geo-legend-sym");
        sym.appendChild(el("span", null, config.glyphs[c] || config.glyphs.other));
        return sym;
      }, true);
      L.DomEvent.disableClickPropagation(root);
      L.DomEvent.disableScrollPropagation(root);
      return root;
    };
    return control;
  }

  function UnlocatedControl(model) {
    var control = L.control({position: "topright"});
    var root, body, groups = [];
    control.onAdd = function () {
      root = el("details", "geo-offline-panel geo-offline-unlocated");
      control.head = el("summary");
      root.appendChild(control.head);
      body = el("div", "geo-offline-body");
      body.appendChild(el("div", "geo-offline-help", L_.unlocated_help));
      root.appendChild(body);
      // one group per badge, then per area for items whose place has no known point
      var byKey = {};
      for (var i = 0; i < model.n; i++) {
        if (model.kind[i] !== KIND_NOT_DRAWN) continue;
        var key = model.badge[i] >= 0 ? "b" + model.badge[i] : "a" + model.area[i];
        if (!byKey[key]) {
          byKey[key] = {key: key, label: model.badge[i] >= 0 ? model.badges[model.badge[i]].label : model.area[i],
                        items: [], badge: model.badge[i]};
          groups.push(byKey[key]);
        }
        byKey[key].items.push(i);
      }
      groups.forEach(function (g) {
        g.node = el("details", "geo-offline-group");
        g.title = el("summary");
        g.node.appendChild(g.title);
        g.list = el("div", "geo-offline-rows");
        g.node.appendChild(g.list);
        g.node.addEventListener("toggle", function () { if (g.node.open) fill(g, true); });
        body.appendChild(g.node);
      });
      control.byBadge = {};
      groups.forEach(function (g) { if (g.badge >= 0) control.byBadge[g.badge] = g; });
      L.DomEvent.disableClickPropagation(root);
      L.DomEvent.disableScrollPropagation(root);
      return root;
    };

    function fill(g, reset) {
      if (reset) { g.list.textContent = ""; g.shownCount = 0; }
      var visible = g.items.filter(function (i) { return model.on[i]; });
      var end = Math.min(visible.length, g.shownCount + config.listPage);
      var more = g.list.querySelector(".geo-offline-more");
      if (more) more.remove();
      for (var k = g.shownCount; k < end; k++) g.list.appendChild(row(visible[k]));
      g.shownCount = end;
      if (end < visible.length) {
        var button = el("button", "geo-offline-more", fmt(L_.more, {n: Math.min(config.listPage, visible.length - end)}));
        button.type = "button";
        button.addEventListener("click", function () { fill(g, false); });
        g.list.appendChild(button);
      }
    }

    function row(i) {
      var wrap = el("div", "geo-offline-row");
      var button = el("button", "geo-offline-item");
      button.type = "button";
      var swatch = el("span", "geo-legend-swatch");
      swatch.style.background = config.statusColours[model.code("status", i)] || config.unknownColour;
      button.appendChild(swatch);
      button.appendChild(document.createTextNode(model.name[i] || "—"));
      button.addEventListener("click", function () {
        var open = wrap.querySelector(".geo-offline-detail");
        if (open) { open.remove(); return; }
        wrap.appendChild(detail(model, i));
      });
      wrap.appendChild(button);
      return wrap;
    }

    control.update = function () {
      var total = 0;
      groups.forEach(function (g) {
        var n = g.items.filter(function (i) { return model.on[i]; }).length;
        total += n;
        g.title.textContent = g.label + " · " + fmt(L_.items_n, {n: n});
        g.node.style.display = n ? "" : "none";
        if (g.node.open) fill(g, true);
      });
      control.head.textContent = fmt(L_.unlocated_n, {n: total});
      root.style.display = groups.length ? "" : "none";
    };

    control.openBadge = function (badge) {
      var g = control.byBadge[badge];
      if (!g) return;
      root.open = true;
      groups.forEach(function (o) { if (o !== g) o.node.open = false; });
      g.node.open = true;
      fill(g, true);
      g.node.scrollIntoView({block: "nearest"});
    };
    return control;
  }

  function Badges(model, unlocated) {
    var markers = model.badges.map(function (b, k) {
      var body = el("div");
      body.appendChild(document.createTextNode(b.label));
      var count = el("b", null, "0");
      body.appendChild(count);
      var marker = L.marker([b.lat, b.lon], {
        icon: L.divIcon({className: "geo-badge", html: body, iconSize: [0, 0], iconAnchor: [0, 0]}),
        keyboard: false, riseOnHover: true
      });
      var tip = el("span");
      marker.bindTooltip(tip, {direction: "top", offset: [0, -14]});
      marker.on("click", function () { unlocated.openBadge(k); });
      return {marker: marker, count: count, tip: tip, label: b.label};
    });
    return {
      update: function () {
        var counts = markers.map(function () { return 0; });
        for (var i = 0; i < model.n; i++) {
          if (model.on[i] && model.kind[i] === KIND_NOT_DRAWN && model.badge[i] >= 0) counts[model.badge[i]] += 1;
        }
        markers.forEach(function (b, k) {
          b.count.textContent = String(counts[k]);
          b.tip.textContent = fmt(L_.badge_title, {area: b.label, n: counts[k]});
          if (counts[k] && !map.hasLayer(b.marker)) b.marker.addTo(map);
          if (!counts[k] && map.hasLayer(b.marker)) b.marker.remove();
        });
        return counts.reduce(function (a, b) { return a + b; }, 0);
      }
    };
  }

  function showProblem(message) {
    var control = L.control({position: "topright"});
    control.onAdd = function () { return el("div", "geo-offline-panel geo-offline-problem", message); };
    control.addTo(map);
    document.documentElement.setAttribute("data-geo-problem", message);
  }

  // ---- wiring ----------------------------------------------------------------------------
  function start(data) {
    performance.mark("geo-data-read");
    var model = new Model(data);
    performance.mark("geo-model-built");
    var filter = new Filter(model);
    var layer = new ItemCanvas(model, {pane: "overlayPane"});
    var unlocated = UnlocatedControl(model);
    var badges = Badges(model, unlocated);
    var filters = FilterControl(model, filter, refresh);
    var counts = null;
    var tooltip = L.tooltip({direction: "top", offset: [0, -14], opacity: 0.95});
    var popup = L.popup({maxWidth: 360});

    function refresh() {
      counts = filter.apply();
      filters.count.textContent = fmt(L_.count_shown, {shown: counts.shown, total: counts.total});
      unlocated.update();
      badges.update();
      layer.draw();
    }

    function latLngOf(wx, wy) { return map.unproject(L.point(wx, wy), 0); }

    function openItems(items, latlng) {
      if (items.length === 1) {
        popup.setLatLng(latlng).setContent(detail(model, items[0])).openOn(map);
        return;
      }
      var box = el("div", "geo-popup geo-offline-choice");
      box.appendChild(el("h4", null, fmt(L_.here, {n: items.length})));
      items.slice(0, config.listPage).forEach(function (i) {
        var button = el("button", "geo-offline-item", model.name[i] || "—");
        button.type = "button";
        button.addEventListener("click", function () { popup.setContent(detail(model, i)); });
        box.appendChild(button);
      });
      popup.setLatLng(latlng).setContent(box).openOn(map);
    }

    map.on("click", function (e) {
      var hit = layer.hits(e.layerPoint);
      if (hit.cell) {
        var cell = hit.cell, bounds = L.latLngBounds(latLngOf(cell.minX, cell.maxY), latLngOf(cell.maxX, cell.minY));
        var zoom = map.getZoom(), target = Math.min(map.getBoundsZoom(bounds, false, L.point(40, 40)), map.getMaxZoom());
        if (target <= zoom) target = Math.min(zoom + 2, map.getMaxZoom());
        map.setView(bounds.getCenter(), target);
        return;
      }
      if (!hit.items.length) return;
      var first = hit.items[0];
      var at = model.kind[first] === KIND_POINT && hit.items.length === 1 ? latLngOf(model.x[first], model.y[first]) : e.latlng;
      openItems(hit.items, at);
    });

    var pending = null, scheduled = false;
    map.on("mousemove", function (e) {
      pending = e;
      if (scheduled) return;
      scheduled = true;
      window.requestAnimationFrame(function () {
        scheduled = false;
        var ev = pending;
        var hit = layer.hits(ev.layerPoint);
        var content = null;
        if (hit.cell) content = el("span", null, fmt(L_.cell_tip, {n: hit.cell.n}));
        else if (hit.items.length) content = summary(model, hit.items[0]);
        if (layer._container) layer._container.style.cursor = content ? "pointer" : "";
        if (content) tooltip.setLatLng(ev.latlng).setContent(content).addTo(map);
        else if (map.hasLayer(tooltip)) tooltip.remove();
      });
    });
    map.on("mouseout", function () { if (map.hasLayer(tooltip)) tooltip.remove(); });

    var firstDraw = true;
    layer.on("drawn", function () {
      if (!firstDraw) return;
      firstDraw = false;
      window.geoOffline.drawnAt = performance.now();
      document.documentElement.setAttribute("data-geo-drawn", String(Math.round(window.geoOffline.drawnAt)));
    });
    filters.addTo(map);
    unlocated.addTo(map);
    counts = filter.apply();
    filters.count.textContent = fmt(L_.count_shown, {shown: counts.shown, total: counts.total});
    unlocated.update();
    badges.update();
    layer.addTo(map);

    // What tests and benchmarks read (the page sets it; nothing reads it back).
    window.geoOffline.map = map;
    window.geoOffline.state = function () {
      return {mode: layer.mode, drawn: layer.drawnPoints.length + layer.drawnLines.length + layer.drawnAreas.length,
              cells: layer.cells.length, cellItems: layer.cells.reduce(function (a, c) { return a + c.n; }, 0),
              shown: counts.shown, onMap: counts.drawn, total: counts.total, zoom: layer.drawnZoom};
    };
    window.geoOffline.cellPoints = function () {
      return layer.cells.map(function (c) {
        var p = map.layerPointToContainerPoint(L.point(c.x, c.y));
        return {x: p.x, y: p.y, n: c.n};
      });
    };
    window.geoOffline.point = function (i) {
      var p = map.latLngToContainerPoint(latLngOf(model.x[i], model.y[i]));
      return {x: p.x, y: p.y};
    };
  }

  window.geoOffline = {drawnAt: null};
  readData(document.getElementById(config.dataId)).then(start).catch(function (error) {
    showProblem(fmt(L_.data_error, {msg: error && error.message ? error.message : String(error)}));
  });
})
