/* 城管通: the officer's page. Every report and answer goes through the outbox (IndexedDB) with
   its idempotency key, so a poor connection only delays it: sent now if the network allows,
   else when it returns; the server makes one case of a key however often it is sent. */
"use strict";

const API = "api";
const $ = (id) => document.getElementById(id);
const state = { token: localStorage.getItem("field.token"), categories: [], category: null,
  photos: [], taskPhotos: [], task: null, answer: null, pos: null, maps: {} };

/* --- outbox ------------------------------------------------------------------------------- */
const outbox = {
  db: null,
  open() {
    return new Promise((resolve, reject) => {
      const req = indexedDB.open("field-outbox", 1);
      req.onupgradeneeded = () => req.result.createObjectStore("items", { keyPath: "key" });
      req.onsuccess = () => { this.db = req.result; resolve(); };
      req.onerror = () => reject(req.error);
    });
  },
  tx(mode, fn) {
    return new Promise((resolve, reject) => {
      const t = this.db.transaction("items", mode);
      const out = fn(t.objectStore("items"));
      t.oncomplete = () => resolve(out && out.result);
      t.onerror = () => reject(t.error);
    });
  },
  put(item) { return this.tx("readwrite", (s) => s.put(item)); },
  remove(key) { return this.tx("readwrite", (s) => s.delete(key)); },
  all() { return this.tx("readonly", (s) => s.getAll()); },
};
let flushing = false;

function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID().replace(/-/g, "");
  return Array.from(crypto.getRandomValues(new Uint8Array(16)),
    (b) => b.toString(16).padStart(2, "0")).join("");
}

async function enqueue(kind, label, fields, photos) {
  const item = { key: newKey(), kind, label, fields, photos, created: new Date().toISOString(),
    tries: 0, error: null, failed: false };
  await outbox.put(item);
  await showOutbox();
  return item;
}

/* Send what waits, oldest first. A refusal (4xx) stays listed with its reason; a network error,
   429 or 5xx keeps the item for the next try. Resolves to the answers of the items sent. */
async function flush() {
  if (flushing || !state.token) return [];
  flushing = true;
  const sent = [];
  try {
    const items = (await outbox.all()).sort((a, b) => a.created.localeCompare(b.created));
    for (const item of items) {
      if (item.failed) continue;
      const form = new FormData();
      for (const [k, v] of Object.entries(item.fields)) form.append(k, v);
      item.photos.forEach((blob, i) => form.append("photo", blob, `photo${i}.jpg`));
      let res;
      try {
        res = await fetch(`${API}/${item.kind === "report" ? "reports" : "tasks/answer"}`, {
          method: "POST", body: form,
          headers: { Authorization: `Bearer ${state.token}`, "Idempotency-Key": item.key } });
      } catch (e) {
        item.tries += 1; item.error = "网络不可用，稍后自动重发";
        await outbox.put(item);
        break;                       // no network: the rest would fail the same way
      }
      const body = await res.json().catch(() => ({}));
      if (res.ok) {
        await outbox.remove(item.key);
        sent.push({ item, body });
      } else if (res.status === 401) {
        signedOut(body.message); break;
      } else if (res.status === 429 || res.status >= 500) {
        item.tries += 1; item.error = body.message || `服务器忙（${res.status}）`;
        await outbox.put(item); break;
      } else {
        item.failed = true; item.error = body.message || `被拒绝（${res.status}）`;
        await outbox.put(item);
      }
    }
  } finally {
    flushing = false;
    await showOutbox();
  }
  return sent;
}

async function showOutbox() {
  const items = await outbox.all();
  $("outbox-count").textContent = items.length;
  $("outbox-badge").hidden = items.length === 0;
  const list = $("outbox-list");
  list.replaceChildren(...items.map((it) => {
    const li = el("li", it.failed ? "state-failed" : "",
      `${it.label} · ${it.photos.length} 张照片 · ${it.created.slice(11, 16)}` +
      (it.error ? `\n${it.error}` : "\n等待发送"));
    li.style.whiteSpace = "pre-line";
    if (it.failed) {
      const drop = el("button", "link", "删除此条");
      drop.onclick = async () => { await outbox.remove(it.key); showOutbox(); };
      li.append(drop);
    }
    return li;
  }));
  if (!items.length) list.append(el("li", "", "没有待发送的内容"));
}

/* --- helpers ------------------------------------------------------------------------------ */
function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

async function api(path, options = {}) {
  const headers = Object.assign({}, options.headers || {});
  if (state.token) headers.Authorization = `Bearer ${state.token}`;
  const res = await fetch(`${API}/${path}`, Object.assign({}, options, { headers }));
  const body = res.status === 204 ? {} : await res.json().catch(() => ({}));
  if (res.status === 401 && path !== "session") signedOut(body.message);
  if (!res.ok) throw Object.assign(new Error(body.message || `错误 ${res.status}`), { status: res.status });
  return body;
}

function msg(id, text, ok) {
  const p = $(id); p.textContent = text; p.className = "msg " + (ok ? "ok" : "bad");
}

/* Photos: scaled to at most 1600 px on the long side and re-encoded as JPEG; the camera's EXIF
   block (time and place) is carried over so the centre can check them, its orientation set to
   upright because the pixels already are. */
const MAX_SIDE = 1600;
async function scalePhoto(file) {
  const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  const k = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(bitmap.width * k); canvas.height = Math.round(bitmap.height * k);
  canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  const scaled = await new Promise((r) => canvas.toBlob(r, "image/jpeg", 0.82));
  const exif = await exifSegment(file);
  if (!exif) return scaled;
  const bytes = new Uint8Array(await scaled.arrayBuffer());
  return new Blob([bytes.slice(0, 2), exif, bytes.slice(2)], { type: "image/jpeg" });
}

async function exifSegment(file) {
  const head = new Uint8Array(await file.slice(0, 131072).arrayBuffer());
  if (head[0] !== 0xff || head[1] !== 0xd8) return null;
  let i = 2;
  while (i + 4 <= head.length && head[i] === 0xff) {
    const marker = head[i + 1], len = (head[i + 2] << 8) | head[i + 3];
    if (marker === 0xe1 && String.fromCharCode(...head.slice(i + 4, i + 8)) === "Exif") {
      if (i + 2 + len > head.length) return null;
      const seg = head.slice(i, i + 2 + len);
      uprightExif(seg);
      return seg;
    }
    if (marker === 0xda) break;
    i += 2 + len;
  }
  return null;
}

function uprightExif(seg) {
  const t = 10;                                    // TIFF header after FFE1, length, "Exif\0\0"
  const le = seg[t] === 0x49;
  const u16 = (o) => le ? seg[o] | (seg[o + 1] << 8) : (seg[o] << 8) | seg[o + 1];
  const u32 = (o) => le ? (seg[o] | (seg[o + 1] << 8) | (seg[o + 2] << 16)) + seg[o + 3] * 16777216
    : seg[o] * 16777216 + ((seg[o + 1] << 16) | (seg[o + 2] << 8) | seg[o + 3]);
  const ifd = t + u32(t + 4);
  if (ifd + 2 > seg.length) return;
  for (let n = 0, count = u16(ifd); n < count; n++) {
    const e = ifd + 2 + n * 12;
    if (e + 12 > seg.length) return;
    if (u16(e) === 0x0112) { seg[e + 8] = le ? 1 : 0; seg[e + 9] = le ? 0 : 1; }
  }
}

function thumbs(container, blobs, onRemove) {
  container.replaceChildren(...blobs.map((b, i) => {
    const img = el("img");
    img.src = URL.createObjectURL(b);
    img.alt = `照片${i + 1}（点按删除）`;
    if (onRemove) img.onclick = () => onRemove(i);
    return img;
  }));
}

/* The small maps: the centre's base tiles when it has set some (served by this server when they
   are files), the case's unit cell outlined, the point and its accuracy. */
function smallMap(name, lat, lon, accuracy, cell) {
  if (!window.L || lat == null) return;
  let m = state.maps[name];
  if (!m) {
    m = state.maps[name] = { map: L.map(`${name}-map`, { zoomControl: false, attributionControl: false }) };
    m.marker = L.circleMarker([lat, lon], { radius: 9, color: "#b00000", weight: 3 }).addTo(m.map);
    m.circle = L.circle([lat, lon], { radius: accuracy || 20, weight: 1 }).addTo(m.map);
  }
  if (state.tiles && !m.tiles) {
    m.tiles = L.tileLayer(state.tiles.tiles, { maxNativeZoom: state.tiles.max_native_zoom || 18,
      maxZoom: 20 }).addTo(m.map);
    m.tiles.bringToBack();
  }
  if (cell !== undefined) {
    if (m.cell) m.cell.remove();
    m.cell = cell ? L.geoJSON(cell, { style: { color: "#0b4f8a", weight: 3, fill: true,
      fillOpacity: 0.08, dashArray: "6 4" }, interactive: false }).addTo(m.map) : null;
  }
  m.marker.setLatLng([lat, lon]); m.circle.setLatLng([lat, lon]).setRadius(accuracy || 20);
  m.map.setView([lat, lon], 17);
  m.map.invalidateSize();
}

async function loadMap() {
  try {
    const info = await api("map");
    state.tiles = info.tiles ? info : null;
  } catch (e) { state.tiles = null; }
  if (state.pos) smallMap("report", state.pos.lat, state.pos.lon, state.pos.acc);
}

/* --- screens ------------------------------------------------------------------------------ */
function show(name) {
  for (const s of document.querySelectorAll(".screen")) s.hidden = s.id !== `screen-${name}`;
  for (const t of document.querySelectorAll(".tab")) t.classList.toggle("on", t.dataset.screen === name);
  const signed = name !== "login";
  $("bar").hidden = $("tabs").hidden = !signed;
  if (name === "tasks") loadTasks();
  if (name === "me") loadShift();
  if (name === "report" && state.pos) smallMap("report", state.pos.lat, state.pos.lon, state.pos.acc);
}

function signedOut(message) {
  state.token = null;
  clearInterval(positions.timer); positions.timer = null; positions.device = undefined;
  $("pos-on").hidden = true;
  localStorage.removeItem("field.token");
  show("login");
  if (message) $("login-error").textContent = message;
}

/* What the console's session list shows for this phone: its model where the browser tells it,
   and the browser (a short random tail tells two alike apart). */
function phoneName() {
  const ua = navigator.userAgent;
  const android = ua.match(/Android [\d.]+; (?:[a-z]{2}-[a-z]{2}; )?([^;)]+?)(?: Build|\))/i);
  const model = android && android[1] !== "K" ? android[1]
    : /iPad/.test(ua) ? "iPad" : /iPhone/.test(ua) ? "iPhone"
    : (navigator.userAgentData && navigator.userAgentData.platform) || navigator.platform || "手机";
  const browser = /MicroMessenger/.test(ua) ? "微信" : /HuaweiBrowser/.test(ua) ? "华为浏览器"
    : /EdgA?\//.test(ua) ? "Edge" : /Firefox\//.test(ua) ? "Firefox"
    : /CriOS|Chrome\//.test(ua) ? "Chrome" : /Safari\//.test(ua) ? "Safari" : "浏览器";
  return `${model.trim().slice(0, 32)} ${browser}`;
}

async function signIn(ev) {
  ev.preventDefault();
  $("login-error").textContent = "";
  const device = localStorage.getItem("field.device") || `${phoneName()} · ${newKey().slice(0, 6)}`;
  localStorage.setItem("field.device", device);
  try {
    const body = await api("session", { method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username: $("login-user").value, password: $("login-pass").value, device }) });
    state.token = body.token;
    localStorage.setItem("field.token", body.token);
    localStorage.setItem("field.who", `${body.officer} · ${body.officer_code}`);
    $("login-pass").value = "";
    await start();
  } catch (e) {
    $("login-error").textContent = e.status ? e.message : "无法连接服务器";
  }
}

async function start() {
  $("who").textContent = localStorage.getItem("field.who") || "";
  show("report");
  loadMap();
  locate();
  loadCategories();
  loadTasks();
  loadShift();
  flush();
}

/* --- report ------------------------------------------------------------------------------- */
async function loadCategories() {
  try {
    state.categories = await api("categories");
    localStorage.setItem("field.categories", JSON.stringify(state.categories));
  } catch (e) {
    state.categories = JSON.parse(localStorage.getItem("field.categories") || "[]");
  }
  listCategories();
}

function recentCodes() { return JSON.parse(localStorage.getItem("field.recent") || "[]"); }

/* Category search without pinyin: every word typed must be found in the kind, 大类, 小类 or
   code; failing that, the typed characters in order within the 小类 or 大类 (暴垃 finds
   暴露垃圾). Names that begin with the words come first, then 小类, then 大类 and codes. */
function categoryScore(c, words) {
  const fields = [c.name, c.major, c.code, c.kind];
  let score = 0;
  for (const w of words) {
    if (c.name.startsWith(w) || c.code.startsWith(w)) score += 4;
    else if (c.name.includes(w)) score += 3;
    else if (c.major.includes(w)) score += 2;
    else if (fields.some((f) => f.includes(w))) score += 1;
    else if (inOrder(c.name, w) || inOrder(c.major + c.name, w)) score += 0.5;
    else return 0;
  }
  return score;
}

function inOrder(text, chars) {
  let i = 0;
  for (const ch of text) if (ch === chars[i]) i += 1;
  return chars.length > 1 && i === chars.length;
}

function listCategories() {
  const q = $("cat-search").value.trim();
  const recent = recentCodes();
  const byCode = new Map(state.categories.map((c) => [c.code, c]));
  let rows;
  if (!q) rows = recent.map((c) => byCode.get(c)).filter(Boolean);
  else {
    const words = q.split(/[\s,，、]+/).filter(Boolean);
    rows = state.categories.map((c) => [categoryScore(c, words), c]).filter(([s]) => s > 0)
      .sort((a, b) => b[0] - a[0] || (recent.indexOf(a[1].code) + 1 || 99) - (recent.indexOf(b[1].code) + 1 || 99))
      .slice(0, 40).map(([, c]) => c);
  }
  $("cat-list").replaceChildren(...rows.map((c) => {
    const li = el("li", !q ? "recent" : "", c.name);
    li.append(el("small", "", `${c.kind} · ${c.major} · ${c.code}`));
    li.onclick = () => chooseCategory(c);
    return li;
  }));
  if (q && !rows.length) $("cat-list").append(el("li", "none", "没有匹配的类别，换个词试试"));
}

function chooseCategory(c) {
  state.category = c;
  $("cat-chosen").hidden = false;
  $("cat-chosen").textContent = `${c.kind} › ${c.major} › ${c.name}`;
  $("cat-search").value = "";
  $("cat-list").replaceChildren();
  localStorage.setItem("field.recent", JSON.stringify([c.code, ...recentCodes().filter((x) => x !== c.code)].slice(0, 8)));
}

function locate() {
  if (!navigator.geolocation) { $("where").textContent = "此设备无法定位"; return; }
  navigator.geolocation.watchPosition(async (p) => {
    const first = !state.pos;
    state.pos = { lat: p.coords.latitude, lon: p.coords.longitude, acc: p.coords.accuracy,
      at: p.timestamp };
    if (!positions.sentFix) sendPosition();
    const text = `位置 ${state.pos.lat.toFixed(6)}, ${state.pos.lon.toFixed(6)}（±${Math.round(state.pos.acc)} 米）`;
    $("where").textContent = text;
    $("where").className = "where";
    smallMap("report", state.pos.lat, state.pos.lon, state.pos.acc);
    if (first || Date.now() - (state.whereAt || 0) > 30000) {
      state.whereAt = Date.now();
      try {
        const w = await api(`where?lat=${state.pos.lat}&lon=${state.pos.lon}`);
        $("where").textContent = w.inside
            ? `${[w.street, w.community].filter(Boolean).join(" · ")} 单元网格 ${w.cell_code}\n${text}`
            : `不在本市网格内\n${text}`;
        smallMap("report", state.pos.lat, state.pos.lon, state.pos.acc, w.cell || null);
        $("where").className = w.inside ? "where" : "where bad";
        $("where").style.whiteSpace = "pre-line";
      } catch (e) { /* offline: the point alone */ }
    }
  }, (e) => { $("where").textContent = `无法定位：${e.message}`; $("where").className = "where bad"; },
  { enableHighAccuracy: true, maximumAge: 10000, timeout: 30000 });
}

async function addPhotos(input, list, container) {
  for (const f of input.files) {
    if (list.length >= 6) break;
    try { list.push(await scalePhoto(f)); } catch (e) { list.push(f); }
  }
  input.value = "";
  const redraw = () => thumbs(container, list, (i) => { list.splice(i, 1); redraw(); });
  redraw();
}

async function sendReport() {
  if (!state.category) return msg("report-msg", "请先选择类别");
  if (!state.pos) return msg("report-msg", "尚未取得位置，请稍候");
  if (!state.photos.length) return msg("report-msg", "请至少拍一张照片");
  const c = state.category;
  await enqueue("report", `上报 ${c.name}`, { category_code: c.code, lat: String(state.pos.lat),
    lon: String(state.pos.lon), accuracy: String(state.pos.acc || ""), address: $("report-address").value,
    description: $("report-text").value, made_at: new Date().toISOString() }, state.photos.slice());
  state.photos = []; thumbs($("photo-thumbs"), []);
  $("report-text").value = ""; $("report-address").value = "";
  state.category = null; $("cat-chosen").hidden = true; listCategories();
  const sent = await flush();
  const mine = sent.find((s) => s.item.kind === "report");
  if (mine) msg("report-msg", `已上报，案卷编号 ${mine.body.case_number}` +
    (mine.body.flags && mine.body.flags.length ? `（照片提示：${mine.body.flags.join("；")}）` : ""), true);
  else msg("report-msg", "已保存在手机上，网络恢复后自动发送", true);
}

/* --- tasks -------------------------------------------------------------------------------- */
async function loadTasks() {
  if (!state.token) return;
  let tasks;
  try { tasks = await api("tasks"); } catch (e) { return; }
  $("task-count").textContent = tasks.length || "";
  $("tasks-empty").hidden = tasks.length > 0;
  $("task-list").replaceChildren(...tasks.map((t) => {
    const li = el("li", "task", `${t.kind_name} · ${t.category}`);
    li.append(el("small", "", `\n${t.case_number} · ${t.address || t.cell_code || ""}`));
    li.style.whiteSpace = "pre-line";
    li.onclick = () => openTask(t);
    return li;
  }));
}

async function openTask(t) {
  state.task = t; state.answer = null; state.taskPhotos = [];
  $("task-list").hidden = true; $("task-detail").hidden = false;
  $("task-title").textContent = `${t.kind_name}：${t.category}（${t.case_number}）`;
  $("task-text").textContent = [t.description, t.address, t.request_note && `指挥中心：${t.request_note}`]
    .filter(Boolean).join("\n");
  $("task-text").style.whiteSpace = "pre-line";
  $("task-answers").replaceChildren(...Object.entries(t.answers).map(([value, label]) => {
    const b = el("button", "", label);
    b.type = "button"; b.dataset.value = value;
    b.onclick = () => { state.answer = value;
      for (const x of $("task-answers").children) x.classList.toggle("on", x === b); };
    return b;
  }));
  thumbs($("task-thumbs"), []);
  $("task-note").value = ""; $("task-msg").textContent = "";
  smallMap("task", t.lat, t.lon, 15, t.cell || null);
  const blobs = [];
  for (const p of t.photos) {
    try {
      const res = await fetch(`${API}/${p}`, { headers: { Authorization: `Bearer ${state.token}` } });
      if (res.ok) blobs.push(await res.blob());
    } catch (e) { /* offline: no photos */ }
  }
  thumbs($("task-photos"), blobs);
}

async function sendAnswer() {
  const t = state.task;
  if (!state.answer) return msg("task-msg", "请选择核查结果");
  await enqueue("check", `${t.kind_name} ${t.case_number}`, { kind: t.kind, case_number: t.case_number,
    result: state.answer, note: $("task-note").value }, state.taskPhotos.slice());
  const sent = await flush();
  msg("task-msg", sent.some((s) => s.item.kind === "check") ? "核查结果已提交" : "已保存在手机上，网络恢复后自动发送", true);
  state.taskPhotos = []; thumbs($("task-thumbs"), []);
  loadTasks();
}

/* --- positions ---------------------------------------------------------------------------
   For an officer without Traccar Client: while the page is open and the switch is on, the
   newest fix goes to the intake's OsmAnd endpoint (/?id=…) under the device the centre
   registered to the officer. Once a minute and only a fix not sent yet: the radio sleeps
   between, and the console's off-post and idle checks need no more. */
const POSITION_EVERY_MS = 60000;
const positions = { device: undefined, timer: null, sentFix: null, sentAt: null, error: null };

function positionsWanted() { return localStorage.getItem("field.positions") === "on"; }

function setPositions(on) {
  localStorage.setItem("field.positions", on ? "on" : "off");
  clearInterval(positions.timer);
  positions.timer = null;
  if (on && positions.device) {
    positions.timer = setInterval(sendPosition, POSITION_EVERY_MS);
    sendPosition();
  }
  showPositions();
}

async function sendPosition() {
  const p = state.pos;
  if (!positions.timer || !p || positions.sentFix === p.at) return;
  const q = new URLSearchParams({ id: positions.device, lat: p.lat.toFixed(7), lon: p.lon.toFixed(7),
    timestamp: String(Math.floor(p.at / 1000)), accuracy: String(Math.round(p.acc || 0)) });
  try {
    const res = await fetch(new URL(`../?${q}`, location.href), { cache: "no-store" });
    if (res.ok) { positions.sentFix = p.at; positions.sentAt = new Date(); positions.error = null; }
    else positions.error = res.status === 400 ? "服务器未接受此设备，请联系指挥中心" : `服务器忙（${res.status}），稍后再试`;
  } catch (e) { positions.error = "网络不可用，恢复后继续上报"; }
  showPositions();
}

function showPositions() {
  const on = positionsWanted() && !!positions.device;
  $("pos-switch").checked = on;
  $("pos-switch").disabled = !positions.device;
  $("pos-on").hidden = !on || !state.token;
  let text;
  if (positions.device === undefined) text = "正在读取定位设备…";
  else if (!positions.device) text = "没有登记给您的定位设备，无法上报位置。\n请联系指挥中心登记设备。";
  else if (!on) text = `已关闭。打开后，本页打开期间每分钟上报一次位置（设备 ${positions.device}）。`;
  else if (positions.error) text = positions.error;
  else if (positions.sentAt) text = `上报中，上次 ${positions.sentAt.toTimeString().slice(0, 5)}（设备 ${positions.device}）`;
  else text = `上报中，等待定位…（设备 ${positions.device}）`;
  $("pos-status").textContent = text;
}

/* --- shift -------------------------------------------------------------------------------- */
const WARNINGS = { off_post: "指挥中心提示：您已离开责任网格", idle: "指挥中心提示：您已长时间未移动",
  offline: "指挥中心提示：您的定位已离线", left_early: "指挥中心提示：提前退岗" };

function percent(x) { return x == null ? "—" : `${(x * 100).toFixed(1)}%`; }

function figuresCard(f) {
  const card = el("div", "card figures");
  card.id = "figures";
  card.append(el("div", "fig-title", `本月考评（${f.month}）`));
  const grid = el("div", "fig-grid");
  for (const [value, label, note] of [
    [String(f.reports), "上报", "件"],
    [percent(f.valid_report_rate), "有效上报率", `立案 ${f.registered}/${f.reports}`],
    [percent(f.on_time_check_rate), "按时核查率", `${f.checks_on_time}/${f.checks_due}（${f.check_within_h} 小时内）`]]) {
    const cell = el("div", "fig");
    cell.append(el("b", "", value), el("span", "", label), el("small", "", note));
    grid.append(cell);
  }
  card.append(grid);
  return card;
}

async function loadShift() {
  showOutbox();
  let s;
  try { s = await api("shift"); } catch (e) { return; }
  if (positions.device !== (s.position_device || null)) {
    positions.device = s.position_device || null;
    setPositions(positionsWanted());
  }
  const cards = [
    el("div", "card", `${s.officer}（${s.officer_code}）\n${s.on_duty ? `在班，至 ${s.shift_end.slice(11)}` : "不在班次内"}`),
    ...s.warnings.map((w) => el("div", "card warn", WARNINGS[w] || w)),
    el("div", "card", `今日上报 ${s.reports_today} 件，已立案 ${s.registered_today} 件`),
    figuresCard(s.figures),
    ...s.recent.map((r) => el("div", "card", `${r.at.slice(11)} ${r.category} · ${r.number}`)),
    el("div", "card", `设备 ${s.device}\n登录有效至 ${s.session_expires.replace("T", " ")}`),
  ];
  for (const c of cards) c.style.whiteSpace = "pre-line";
  $("shift").replaceChildren(...cards);
}

/* --- wiring ------------------------------------------------------------------------------- */
function net() {
  $("net").textContent = navigator.onLine ? "" : "离线";
  $("net").className = navigator.onLine ? "net" : "net off";
}

document.addEventListener("DOMContentLoaded", async () => {
  await outbox.open();
  $("login-form").onsubmit = signIn;
  for (const t of document.querySelectorAll(".tab")) t.onclick = () => show(t.dataset.screen);
  $("cat-search").oninput = listCategories;
  $("photo-input").onchange = () => addPhotos($("photo-input"), state.photos, $("photo-thumbs"));
  $("task-photo-input").onchange = () => addPhotos($("task-photo-input"), state.taskPhotos, $("task-thumbs"));
  $("report-send").onclick = sendReport;
  $("task-send").onclick = sendAnswer;
  $("task-back").onclick = () => { $("task-detail").hidden = true; $("task-list").hidden = false; loadTasks(); };
  $("outbox-badge").onclick = () => show("me");
  $("pos-switch").onchange = () => setPositions($("pos-switch").checked);
  $("sign-out").onclick = async () => {
    try { await api("session", { method: "DELETE" }); } catch (e) { /* signed out here anyway */ }
    signedOut();
  };
  window.addEventListener("online", () => { net(); flush(); });
  window.addEventListener("offline", net);
  setInterval(() => { if (navigator.onLine) flush(); }, 15000);
  net();
  await showOutbox();
  showPositions();
  if (state.token) start(); else show("login");
  performance.mark("field-interactive");      // the sign-in form works from here (bench field)
  if ("serviceWorker" in navigator) navigator.serviceWorker.register("sw.js").catch(() => {});
});
