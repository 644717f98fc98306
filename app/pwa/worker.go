package pwa

import (
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// The service worker is go-app's, with three changes. Two for the wasm
// builds (app.wasm for staff, diner.wasm for diners):
//   - it does not download them at install: a diner's phone would fetch the
//     staff's build next to its own, competing with the page on a slow
//     network;
//   - it keeps each build the first time a page loads it (keyed by its
//     versioned URL) and answers later loads from that copy, unchanged, so
//     Chromium reuses the compiled code it cached for it.
//
// And the table pages (prerendered by the server, with the menu) are
// fetched from the network first, with the copy kept of each answering
// when there is no connection (see keptPage in the script).
const (
	workerResourcesDefault = "const resourcesToCache = {{.ResourcesToCache}};"
	workerResourcesOurs    = `const resourcesToCache = {{.ResourcesToCache}}.filter((u) => !u.split("?")[0].endsWith(".wasm"));`

	workerFetchDefault = `async function fetchWithCache(request) {
  const cachedResponse = await caches.match(request);
  if (cachedResponse) {
    return cachedResponse;
  }
  return await fetch(request);
}`
	workerFetchOurs = `async function fetchWithCache(request) {
  if (request.mode === "navigate" && keptPage(new URL(request.url).pathname)) {
    return fetchPage(request);
  }
  const cachedResponse = await caches.match(request);
  if (cachedResponse) {
    return cachedResponse;
  }
  const response = await fetch(request);
  if (request.method === "GET" && response.status === 200 && new URL(request.url).pathname.endsWith(".wasm")) {
    const copy = response.clone();
    caches.open(cacheName).then((cache) => cache.put(request, copy)).catch((err) => console.error("keeping", request.url, "failed:", err));
  }
  return response;
}

// The table pages (/t/<link>) are the server's, with the menu in them: they
// come from the network, and the copy kept of each answers when there is
// none, so a phone that lost its connection still shows the menu and its
// cart on a reload.
function keptPage(path) {
  return path.startsWith("/t/");
}

async function fetchPage(request) {
  try {
    const response = await fetch(request);
    if (response.status === 200) {
      const copy = response.clone();
      caches.open(cacheName).then((cache) => cache.put(request.url, copy)).catch((err) => console.error("keeping", request.url, "failed:", err));
    }
    return response;
  } catch (err) {
    const kept = await caches.match(request.url);
    if (kept) {
      return kept;
    }
    throw err;
  }
}

// A page asks to keep the wasm build it loaded before the worker was
// there (server/httpapi/loader.go).
self.addEventListener("message", (event) => {
  const msg = event.data;
  if (!msg || msg.type !== "qrpos:keep" || typeof msg.url !== "string") {
    return;
  }
  const url = new URL(msg.url, self.location.origin);
  if (url.origin !== self.location.origin || !url.pathname.endsWith(".wasm")) {
    return;
  }
  event.waitUntil(caches.open(cacheName).then(async (cache) => {
    if (!(await cache.match(url.href))) {
      await cache.add(url.href);
    }
  }).catch((err) => console.error("keeping", msg.url, "failed:", err)));
});

// The page that installed the worker was loaded before it: keep a copy of
// it now, so a reload without a connection works from the first visit.
self.addEventListener("activate", (event) => {
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((list) =>
    caches.open(cacheName).then((cache) => Promise.all(list
      .filter((c) => keptPage(new URL(c.url).pathname))
      .map((c) => cache.add(c.url).catch((err) => console.error("keeping", c.url, "failed:", err)))))));
});`
)

// workerJS returns the service worker template, or "" (go-app's own) when
// go-app's template no longer has the parts we change; TestWorkerJS fails
// then. In the wasm build go-app has no template and neither do we.
func workerJS() string {
	s := app.DefaultAppWorkerJS
	if !strings.Contains(s, workerResourcesDefault) || !strings.Contains(s, workerFetchDefault) {
		return ""
	}
	s = strings.Replace(s, workerResourcesDefault, workerResourcesOurs, 1)
	return strings.Replace(s, workerFetchDefault, workerFetchOurs, 1)
}
