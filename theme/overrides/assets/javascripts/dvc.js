/* The site's only script. Every page reads fully without it; it adds:
   - search that understands Vietnamese typed without diacritics (tim-kiem.json, fetched on first use),
   - the "larger text" control (the choice is kept on the phone),
   - the service worker that keeps opened pages readable offline,
   - quiz scoring, copy buttons for posts, and audio and video players that load only when pressed,
   - full addresses of links when a page is printed. */
(function () {
  "use strict"
  var root = document.documentElement
  var TONES = { "\u0300": "2", "\u0301": "1", "\u0303": "4", "\u0309": "3", "\u0323": "5" }
  var STOP = " cho cua va la lam o thi nao gi toi minh khi duoc co khong nhu ve voi "

  // Any normalisation form in; lowercase ASCII out; đ -> d; ký/kí, lý/lí, quý/quí unified.
  // Must match fold() in generator/render/search.py.
  function fold(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D")
      .toLowerCase().replace(/\b(qu|[bcdghklmnprstvx]h?)y\b/g, "$1i")
  }
  function toks(s) { return fold(s).match(/[a-z0-9]+/g) || [] }
  // Tone moved to the end, vowel marks kept: hoà/hòa -> hoa2, thuỷ/thủy -> thuy3.
  function toneKey(w) {
    var t = ""
    return w.toLowerCase().normalize("NFD").replace(/[\u0300\u0301\u0303\u0309\u0323]/g, function (m) {
      t = TONES[m]; return ""
    }).normalize("NFC").replace(/^(qu|[bcdghklmnprstvx]h?)y$/, "$1i") + t
  }
  function words(s) { return s.normalize("NFC").split(/[^\p{L}\p{M}\p{N}]+/u).filter(Boolean) }

  // Does the word list `hay` contain `phrase`? The last word may be a prefix (still typing).
  function has(hay, phrase, prefix) {
    var n = phrase.length
    for (var i = 0; i + n <= hay.length; i++) {
      for (var j = 0; j < n; j++) {
        var a = hay[i + j], b = phrase[j]
        if (a !== b && !(prefix && j === n - 1 && b.length > 1 && a.indexOf(b) === 0)) break
      }
      if (j === n) return a === b ? 2 : 1 // 2: whole words, 1: prefix
    }
    return 0
  }

  function prepare(index) {
    return index.docs.map(function (d) {
      var sep = function (s) { return s ? s.split("|") : [] }
      return {
        url: d[0], title: d[1], field: d[3], summary: d[4], guide: d[0].indexOf("huong-dan/") === 0,
        // [weight, list of word lists]: title > keywords > questions, steps, field > summary
        f: [[10, [toks(d[1])]], [8, sep(d[2]).map(toks)], [3, [toks(d[3])]], [2, [toks(d[4])]], [3, sep(d[5]).map(toks)]],
        keys: " " + words(d.slice(1).join(" ")).map(toneKey).join(" ") + " "
      }
    })
  }

  function search(index, docs, query) {
    // Each query word is a term with alternatives: itself, and its expansion if it is an abbreviation.
    // A word typed with accents keeps its tone key, to prefer the same spelling (quên over quen).
    var terms = []
    words(query).forEach(function (raw) {
      var ts = toks(raw), marked = ts.length === 1 && /[\u0300-\u036f\u0111\u0110]/.test(raw.normalize("NFD"))
      ts.forEach(function (w) {
        var alts = [[w]]
        if (index.abbr[w]) alts.push(index.abbr[w].split(" "))
        terms.push({ w: w, alts: alts, key: marked ? " " + toneKey(raw) + " " : "", stop: STOP.indexOf(" " + w + " ") >= 0 })
      })
    })
    var q = terms.map(function (t) { return t.w })
    if (!q.length) return []
    terms[q.length - 1].last = true
    function weight(doc, term) { // the best field weight for a term in a page
      var best = 0
      doc.f.forEach(function (field) {
        field[1].forEach(function (hay) {
          term.alts.forEach(function (alt) {
            var m = has(hay, alt, term.last)
            if (m) best = Math.max(best, field[0] * (m === 2 ? 1 : 0.7))
          })
        })
      })
      return term.key && !term.last && doc.keys.indexOf(term.key) < 0 ? best * 0.5 : best
    }
    var table = docs.map(function (doc) { return terms.map(function (t) { return weight(doc, t) }) })
    var idf = terms.map(function (t, i) {
      var df = table.filter(function (row) { return row[i] > 0 }).length
      return Math.log(1 + docs.length / (df || 1)) * (t.stop ? 0.3 : 1)
    })
    var counted = terms.filter(function (t) { return !t.stop }).length || terms.length
    return docs.map(function (doc, d) {
      var score = 0, hit = 0
      terms.forEach(function (t, i) {
        if (table[d][i]) { score += idf[i] * table[d][i]; if (!t.stop || counted === terms.length) hit++ }
      })
      for (var i = 0; i + 1 < q.length; i++) { // neighbouring query words found together in one field
        var pair = [q[i], q[i + 1]], last = i + 2 === q.length, best = 0
        doc.f.forEach(function (field) {
          if (field[1].some(function (hay) { return has(hay, pair, last) })) best = Math.max(best, field[0])
        })
        score += 1.5 * best
      }
      if (q.length > 2) doc.f.forEach(function (field) { // the whole query as a phrase
        if (field[1].some(function (hay) { return has(hay, q, true) })) score += 2 * field[0] * (q.length - 1)
      })
      if (index.best[q.join(" ")] === doc.url) score += 100 // the editors' best bet for this query
      score *= Math.pow(hit / counted, 2) * (doc.guide ? 1 : 0.6)
      return { doc: doc, score: score }
    }).filter(function (r) { return r.score > 0 }).sort(function (a, b) { return b.score - a.score })
  }

  if (typeof module === "object") { module.exports = { fold: fold, toneKey: toneKey, prepare: prepare, search: search }; return }

  // --- Search forms: <form class="dvc-search" data-index="…/tim-kiem.json"> on the search page.
  Array.prototype.forEach.call(document.querySelectorAll("form.dvc-search[data-index]"), function (form) {
    var input = form.querySelector("input[name=q]"), out = document.getElementById(form.dataset.results), state = null
    function load() {
      return state || (state = fetch(form.dataset.index).then(function (r) { return r.json() })
        .then(function (index) { return { index: index, docs: prepare(index) } }))
    }
    function run() {
      var query = input.value.trim()
      if (!query) { out.textContent = ""; return }
      load().then(function (s) {
        var base = new URL(form.dataset.index, location.href), rs = search(s.index, s.docs, query)
        out.textContent = ""
        var heading = document.createElement("h2")
        heading.textContent = rs.length ? "Kết quả cho «" + query + "»" : "Không tìm thấy hướng dẫn cho «" + query + "»"
        out.appendChild(heading)
        if (!rs.length) {
          var hint = document.createElement("p")
          hint.textContent = "Hãy thử từ khác, viết có dấu hoặc không dấu đều được, hoặc chọn trong danh sách bên dưới."
          out.appendChild(hint)
          return
        }
        var list = document.createElement("ol")
        rs.filter(function (r) { return r.score >= rs[0].score / 5 }).slice(0, 6).forEach(function (r) {
          var li = document.createElement("li"), a = document.createElement("a")
          a.href = new URL(r.doc.url, base).href
          a.textContent = r.doc.title
          li.appendChild(a)
          if (r.doc.summary) {
            var p = document.createElement("p")
            p.textContent = r.doc.summary.length > 150 ? r.doc.summary.slice(0, 148) + "…" : r.doc.summary
            li.appendChild(p)
          }
          list.appendChild(li)
        })
        out.appendChild(list)
      })
    }
    input.addEventListener("focus", load, { once: true })
    input.addEventListener("input", run)
    form.addEventListener("submit", function (e) {
      e.preventDefault()
      history.replaceState(null, "", "?q=" + encodeURIComponent(input.value.trim()))
      run()
      var first = out.querySelector("a")
      if (first) first.focus()
    })
    var q = new URLSearchParams(location.search).get("q")
    if (q) { input.value = q; run() }
  })

  // --- Larger text: a toggle button in the header; the choice is kept in localStorage.
  Array.prototype.forEach.call(document.querySelectorAll(".dvc-textsize"), function (button) {
    function show() { button.setAttribute("aria-pressed", root.classList.contains("dvc-large") ? "true" : "false") }
    button.hidden = false
    show()
    button.addEventListener("click", function () {
      var large = root.classList.toggle("dvc-large")
      try { localStorage.setItem("dvc-text", large ? "large" : "normal") } catch (e) { /* private mode */ }
      show()
    })
  })

  // --- Offline reading: one service worker for the whole output (sw.js at its root). It keeps
  // every page opened and, told here, the page's pictures too (lazy ones included) and its styles.
  var worker = document.querySelector("meta[name=dvc-sw]")
  if (worker && "serviceWorker" in navigator && location.protocol !== "file:") {
    navigator.serviceWorker.register(worker.content).then(function () {
      return navigator.serviceWorker.ready
    }).then(function (registration) {
      // Guides keep every picture, seen or not (steps must be followable offline); other pages
      // keep what has loaded, and the worker keeps the rest as the reader scrolls to it.
      var all = document.querySelector("meta[name=dvc-keep-images]")
      var urls = [location.href.split("#")[0]]
      document.querySelectorAll("img[src], link[rel=stylesheet][href], script[src]").forEach(function (el) {
        if (el.tagName !== "IMG" || all || (el.complete && el.naturalWidth)) urls.push(el.src || el.href)
      })
      registration.active.postMessage({ keep: urls })
    }).catch(function () { /* reading still works online */ })
  }

  // --- "Kiểm tra tờ rơi": is the code printed under a QR code one of ours, and where does it lead?
  (function () {
    var form = document.getElementById("check-code")
    if (!form) return
    var ALPHABET = "0123456789abcdefghjkmnpqrstvwxy";
    function normalise(text) {
      return text.trim().toLowerCase().replace(/[\s-]/g, "").replace(/i|l/g, "1").replace(/o/g, "0");
    }
    function wellFormed(code) {  // same check character as the build (generator/shortlinks.py)
      if (code.length < 4) return false;
      var total = 0;
      for (var i = 0; i < code.length - 1; i++) {
        var value = ALPHABET.indexOf(code[i]);
        if (value < 0) return false;
        total += (i + 1) * value;
      }
      return ALPHABET[total % ALPHABET.length] === code[code.length - 1];
    }
    function show(html) { document.getElementById("check-result").innerHTML = html; }
    function text(value) {
      var p = document.createElement("p");
      p.textContent = value;
      return p.innerHTML.replace(/"/g, "&quot;");
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var code = normalise(document.getElementById("code").value);
      if (!wellFormed(code)) {
        show('<p class="dvc-check-bad"><strong>Mã không đúng.</strong> Kiểm tra lại từng ký tự (mã chỉ gồm chữ số và chữ cái thường).</p>');
        return;
      }
      fetch(form.dataset.shortLinks + code + "/").then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      }).then(function (html) {
        var info = new DOMParser().parseFromString(html, "text/html").getElementById("short-link").dataset;
        show('<p class="dvc-check-good"><strong>Mã ' + text(info.code) + ' là mã thật.</strong></p><ul>' +
          '<li>Hướng dẫn: <strong>' + text(info.guide) + '</strong></li>' +
          '<li>Tỉnh, thành phố: ' + text(info.province) + (info.commune ? ' (' + text(info.commune) + ')' : '') + '</li>' +
          '<li>Đợt in: ' + text(info.batch) + '</li></ul>' +
          (info.retired
            ? '<p><strong>Hướng dẫn này không còn áp dụng:</strong> ' + text(info.retired) + '</p>' +
              '<p><a class="md-button" href="' + text(info.target) + '">Xem các hướng dẫn đang áp dụng</a></p>'
            : '<p><a class="md-button" href="' + text(info.target) + '">Mở hướng dẫn</a></p>'));
      }).catch(function () {
        show('<p class="dvc-check-bad"><strong>Không tìm thấy mã ' + text(code) + '.</strong> Tờ rơi này có thể không do chúng tôi phát hành: đừng làm theo, hãy gọi đường dây nóng của tỉnh.</p>');
      });
    });
  })();

  // --- Quiz: the answers stay hidden until "Chấm điểm"; then each question says right or wrong, and
  // a wrong one shows the right option, with the explanation and guide link of the answers section.
  Array.prototype.forEach.call(document.querySelectorAll("form.dvc-quiz"), function (form) {
    var key = document.getElementById(form.dataset.key), score = form.querySelector(".dvc-quiz__score")
    var questions = form.querySelectorAll("fieldset"), answers = key.querySelectorAll("ol > li")
    var check = form.querySelector("button[type=submit]"), again = form.querySelector("button[type=reset]")
    key.hidden = true
    check.hidden = false
    function clear() {
      form.querySelectorAll(".dvc-quiz__result").forEach(function (el) { el.remove() })
      form.querySelectorAll(".is-right, .is-wrong, .is-answer").forEach(function (el) {
        el.classList.remove("is-right", "is-wrong", "is-answer")
      })
      score.textContent = ""
    }
    form.addEventListener("submit", function (e) {
      e.preventDefault()
      clear()
      var right = 0
      questions.forEach(function (q, i) {
        var chosen = q.querySelector("input:checked"), answer = answers[i]
        var label = q.querySelector("input[value='" + answer.dataset.answer + "']").parentNode
        var ok = chosen && chosen.parentNode === label, result = document.createElement("div"), head = document.createElement("p")
        result.className = "dvc-quiz__result"
        head.innerHTML = ok ? "<strong>✓ Đúng</strong>" : "<strong>✗ " + (chosen ? "Chưa đúng." : "Bạn chưa chọn.") + "</strong> Đáp án đúng: "
        if (!ok) head.appendChild(document.createTextNode(label.textContent.trim()))
        result.appendChild(head)
        if (!ok) result.appendChild(answer.lastElementChild.cloneNode(true)) // the explanation and its guide link
        label.classList.add("is-answer")
        q.classList.add(ok ? "is-right" : "is-wrong")
        q.appendChild(result)
        if (ok) right++
      })
      score.textContent = "Bạn trả lời đúng " + right + "/" + questions.length + " câu."
      key.hidden = false
      again.hidden = false
      score.focus()
    })
    form.addEventListener("reset", function () {
      clear()
      key.hidden = true
      again.hidden = true
      form.scrollIntoView()
      questions[0].querySelector("input").focus({ preventScroll: true })
    })
  })

  // --- Copy buttons (campaign kit): the text of the element named by data-copy, to paste into Zalo or
  // Facebook. The clipboard API needs HTTPS; elsewhere a hidden text box and execCommand do it.
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var source = document.getElementById(button.dataset.copy), status = button.parentNode.querySelector("[role=status]")
    function fallback(text) {
      var box = document.createElement("textarea")
      box.value = text
      box.setAttribute("readonly", "")
      box.style.cssText = "position:fixed;top:0;left:0;opacity:0"
      document.body.appendChild(box)
      box.select()
      var done = false
      try { done = document.execCommand("copy") } catch (e) { /* not allowed */ }
      box.remove()
      return done ? Promise.resolve() : Promise.reject()
    }
    button.hidden = false
    button.addEventListener("click", function () {
      var text = source.textContent
      var copied = navigator.clipboard ? navigator.clipboard.writeText(text).catch(function () { return fallback(text) }) : fallback(text)
      copied.then(function () { status.textContent = "Đã sao chép" }, function () {
        getSelection().selectAllChildren(source)
        status.textContent = "Chưa sao chép được: bài đã được chọn, hãy bấm giữ để sao chép"
      })
    })
  })

  // --- Players that fetch nothing until pressed: audio links get a player beside them, and a video's
  // picture becomes the video (with its subtitles) when tapped. Without JavaScript both are plain links.
  // Only the site's own files: a link in content cannot turn itself into a player of another site's media.
  function own(link) { return link.origin === location.origin }
  Array.prototype.filter.call(document.querySelectorAll("a[data-audio]"), own).forEach(function (link) {
    var audio = document.createElement("audio")
    audio.controls = true
    audio.preload = "none"
    audio.src = link.href
    audio.setAttribute("aria-label", link.dataset.audio)
    link.parentNode.appendChild(audio)
  })
  Array.prototype.filter.call(document.querySelectorAll("a.dvc-video[data-subtitles]"), own).forEach(function (link) {
    link.addEventListener("click", function (e) {
      e.preventDefault()
      var video = document.createElement("video"), track = document.createElement("track")
      video.controls = true
      video.preload = "none"
      video.playsInline = true
      video.poster = link.querySelector("img").src
      video.src = link.href
      video.setAttribute("aria-label", link.querySelector("img").alt)
      track.kind = "subtitles"
      track.srclang = "vi"
      track.label = "Tiếng Việt"
      track.src = link.dataset.subtitles
      track.default = true
      video.appendChild(track)
      link.replaceWith(video)
      video.focus()
      video.play().catch(function () { /* the reader presses play */ })
    })
  })

  // --- Printed pages show where each link leads: relative links get their full address.
  addEventListener("beforeprint", function () {
    document.querySelectorAll(".md-typeset a[href]:not([href^='#']):not([href^='http']):not([href^='tel:'])").forEach(function (a) {
      a.setAttribute("data-print-url", a.href)
    })
  })
})()
