package pwa

import (
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// The service worker is go-app's, with two changes for the wasm builds
// (app.wasm for staff, diner.wasm for diners):
//   - it does not download them at install: a diner's phone would fetch the
//     staff's build next to its own, competing with the page on a slow
//     network;
//   - it keeps each build the first time a page loads it (keyed by its
//     versioned URL) and answers later loads from that copy, unchanged, so
//     Chromium reuses the compiled code it cached for it.
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
}`
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
