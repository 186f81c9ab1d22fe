/* The page's own files, kept so the page opens without a network; the API is never cached. */
"use strict";
const CACHE = "field-shell-v2";
const SHELL = ["./", "field.js", "field.css", "manifest.webmanifest", "icon.svg",
  "lib/leaflet/leaflet.js", "lib/leaflet/leaflet.css"];

self.addEventListener("install", (e) => {
  e.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});
self.addEventListener("activate", (e) => {
  e.waitUntil(caches.keys().then((keys) => Promise.all(
    keys.filter((k) => k !== CACHE).map((k) => caches.delete(k)))).then(() => self.clients.claim()));
});
self.addEventListener("fetch", (e) => {
  const url = new URL(e.request.url);
  // The API and anything outside the page (the OsmAnd endpoint at /) go to the network alone.
  if (e.request.method !== "GET" || url.pathname.includes("/api/")
      || !e.request.url.startsWith(self.registration.scope)) return;
  // Network first (an update reaches the phone at once), the cached copy when offline.
  e.respondWith(fetch(e.request).then((res) => {
    if (res.ok) { const copy = res.clone(); caches.open(CACHE).then((c) => c.put(e.request, copy)); }
    return res;
  }).catch(() => caches.match(e.request, { ignoreSearch: true })));
});
