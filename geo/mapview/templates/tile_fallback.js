{% macro script(this, kwargs) %}
(function (map, layers, texts) {
  // Offline (a meeting room, an intranet) every basemap tile fails and the map is a grey canvas.
  // After a few failures and no tile at all, drop the tiles: the outline basemap (无底图) is what is
  // left. Remembered in this browser, so the next open does not wait for the failures again.
  var KEY = "geo-basemap-unreachable";
  var REMEMBER_MS = 6 * 3600 * 1000;
  var failed = 0, loaded = 0, off = false, note = null;
  function remembered() {
    try { var t = Number(localStorage.getItem(KEY)); return t && Date.now() - t < REMEMBER_MS; }
    catch (e) { return false; }
  }
  function remember(on) {
    try { if (on) { localStorage.setItem(KEY, String(Date.now())); } else { localStorage.removeItem(KEY); } }
    catch (e) { /* storage blocked: the fallback still happens, only not remembered */ }
  }
  function showNote() {
    note = L.control({position: "topright"});  // in sight above the fold, not under the map
    note.onAdd = function () {
      var box = L.DomUtil.create("div", "geo-tile-fallback leaflet-bar");
      box.setAttribute("role", "status");
      var text = L.DomUtil.create("span", "", box);
      text.textContent = texts.notice;
      var retry = L.DomUtil.create("a", "geo-tile-retry", box);
      retry.href = "#"; retry.textContent = texts.retry; retry.setAttribute("role", "button");
      L.DomEvent.on(retry, "click", function (ev) { L.DomEvent.preventDefault(ev); tilesBack(); });
      L.DomEvent.disableClickPropagation(box);
      return box;
    };
    note.addTo(map);
  }
  function tilesOff(keep) {
    if (off) { return; }
    off = true;
    layers.forEach(function (layer) { map.removeLayer(layer); });
    L.DomUtil.addClass(map.getContainer(), "geo-no-tiles");
    if (keep) { remember(true); }
    showNote();
  }
  function tilesBack() {
    remember(false);
    failed = 0; loaded = 0; off = false;
    if (note) { note.remove(); note = null; }
    L.DomUtil.removeClass(map.getContainer(), "geo-no-tiles");
    layers.forEach(function (layer) { layer.addTo(map); });
  }
  layers.forEach(function (layer) {
    layer.on("tileerror", function () { failed += 1; if (!loaded && failed >= texts.after) { tilesOff(true); } });
    layer.on("tileload", function () { loaded += 1; if (loaded === 1) { remember(false); } });
  });
  if (remembered()) { tilesOff(false); }
})({{ this._parent.get_name() }}, [{{ this.layer_names|join(", ") }}], {{ this.texts|tojson }});
{% endmacro %}
