/* Offline reading for people on weak connections: one service worker for the whole site.
   - Pages: from the network when it answers within a few seconds (so they are never stale
     online), else the copy kept from the last visit, else a short "you are offline" page.
   - Styles, scripts, pictures, the search index: the kept copy at once, refreshed behind it.
   - A page tells the worker what it uses (dvc.js posts {keep: [urls]}), so a guide opened once,
     pictures included, opens again without a connection.
   PDFs and other downloads are not kept: they are large and people save them themselves. */
"use strict"
var CACHE = "dvc-v1"
var NETWORK_WAIT_MS = 4000
var KEPT = /\.(html|css|js|json|svg|png|jpg|jpeg|webp|woff2?)$|\/$/
var NEVER_CHANGES = /\.[0-9a-f]{8}\.min\.(css|js)$|[?&]v=/ // Material's hashed names, the theme's ?v=<hash>

self.addEventListener("install", function () { self.skipWaiting() })
self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n !== CACHE }).map(function (n) { return caches.delete(n) }))
  }).then(function () { return self.clients.claim() }))
})

function worthKeeping(request) {
  var url = new URL(request.url)
  return request.method === "GET" && url.origin === location.origin && KEPT.test(url.pathname)
}

// Keep a copy; the caller passes the returned promise to event.waitUntil, so the worker is
// not stopped half-way through writing (an interrupted write can lose the copy kept before).
function keep(request, response) {
  if (!response || !response.ok || response.type !== "basic") return Promise.resolve()
  var copy = response.clone()
  return caches.open(CACHE).then(function (cache) { return cache.put(request, copy) }).catch(function () {})
}

function offlinePage() {
  var html = '<!doctype html><html lang="vi"><meta charset="utf-8"><meta name="viewport" content="width=device-width">' +
    "<title>Không có kết nối mạng</title><body style=\"font:20px/1.5 sans-serif;margin:1.5em\">" +
    "<h1>Không có kết nối mạng</h1><p>Trang này chưa được lưu trên máy. Các trang bạn đã mở trước đây vẫn xem được khi không có mạng.</p>" +
    '<p><a href="' + self.registration.scope + '">Về trang chủ</a></p></body></html>'
  return new Response(html, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } })
}

function fromNetworkFirst(event) {
  var page = event.request.url.split(/[?#]/)[0] // a static page is the same whatever its query (tim-kiem/?q=…)
  var network = fetch(event.request)
  event.waitUntil(network.then(function (response) { return keep(page, response) }, function () {}))
  function keptCopy() { return caches.match(page) }
  // A slow network: the kept copy after a few seconds if there is one, else keep waiting.
  var slow = new Promise(function (resolve) { setTimeout(resolve, NETWORK_WAIT_MS) }).then(keptCopy)
  return Promise.race([network, slow.then(function (hit) { return hit || network })]).catch(function () {
    return keptCopy().then(function (hit) { return hit || offlinePage() })
  })
}

function fromCacheFirst(event) {
  var request = event.request
  var kept = caches.match(request)
  var network = kept.then(function (hit) {
    return hit && NEVER_CHANGES.test(request.url) ? null : fetch(request) // refreshed behind the kept copy
  })
  event.waitUntil(network.then(function (response) { return keep(request, response) }, function () {}))
  return kept.then(function (hit) { return hit || network })
}

self.addEventListener("fetch", function (event) {
  if (event.request.mode === "navigate") event.respondWith(fromNetworkFirst(event))
  else if (worthKeeping(event.request)) event.respondWith(fromCacheFirst(event))
})

self.addEventListener("message", function (event) {
  var urls = (event.data && event.data.keep) || []
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(urls.map(function (url) {
      var request = new Request(url)
      if (!worthKeeping(request)) return null
      return cache.match(request).then(function (hit) {
        return hit || fetch(request).then(function (response) { return keep(request, response) }, function () {})
      })
    }))
  }))
})
