/* The chat page: send text or a chip's data, show the core's replies (text only via textContent). */
"use strict";
(function () {
  var el = innobot.el, log = document.getElementById("log");
  var form = document.getElementById("composer"), input = document.getElementById("text");
  var busy = false;

  function scroll() { window.scrollTo(0, document.body.scrollHeight); }

  function add(side, children) {
    var row = el("div", { class: "msg " + side }, [el("div", { class: "bubble" }, children)]);
    log.appendChild(row);
    scroll();
    return row;
  }

  function sources(list) {
    if (!list.length) return null;
    var items = list.map(function (s) { return el("li", { text: s }); });
    return el("details", { class: "sources" }, [
      el("summary", { text: "出处（" + list.length + "）" }), el("ul", {}, items)
    ]);
  }

  function chips(rows) {
    var buttons = [];
    rows.forEach(function (row) {
      row.forEach(function (c) {
        var b = el("button", { type: "button", class: "chip", text: c.label });
        b.addEventListener("click", function () { send({ callback: c.data }, c.label); });
        buttons.push(b);
      });
    });
    return buttons.length ? el("div", { class: "chips" }, buttons) : null;
  }

  function showReply(r) {
    var parts = [];
    if (r.text) parts.push(el("div", { class: "text", text: r.text }));
    parts.push(sources(r.sources || []));
    if (r.image) parts.push(el("img", { src: r.image, alt: "测算结果图表", class: "chart" }));
    if (r.image_url) {  // drawn after the text: the browser fetches it; a failed chart just goes away
      var chart = el("img", { src: r.image_url, alt: "测算结果图表", class: "chart" });
      chart.addEventListener("error", function () { chart.remove(); });
      chart.addEventListener("load", scroll);
      parts.push(chart);
    }
    if (r.file) parts.push(el("a", { href: r.file.url, class: "button secondary", text: "下载 " + r.file.name }));
    parts.push(chips(r.choices || []));
    add("bot", parts);
  }

  function send(payload, shown, path) {
    if (busy) return;
    busy = true;
    if (shown) add("me", [el("div", { text: shown })]);
    var wait = add("bot", [el("span", { class: "typing", text: "正在思考…" })]);
    innobot.call("POST", path || "/chat/send", payload).then(function (res) {
      log.removeChild(wait);
      busy = false;
      if (!res.ok) {
        add("bot", [el("div", { class: "error", text: res.data.error || "出错了，请稍后再试。" })]);
        return;
      }
      res.data.replies.forEach(showReply);
    });
  }

  function submit() {
    var text = input.value.trim();
    if (!text || busy) return;
    input.value = "";
    send({ text: text }, text);
  }
  form.addEventListener("submit", function (e) { e.preventDefault(); submit(); });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); }
  });
  document.getElementById("quick").addEventListener("click", function (e) {
    var t = e.target;
    if (t && t.dataset && t.dataset.send) send({ text: t.dataset.send }, t.textContent);
  });
  var sheet = document.getElementById("sheet");
  sheet.addEventListener("change", function () {
    var file = sheet.files[0];
    if (!file) return;
    var data = new FormData();
    data.append("file", file);
    data.append("caption", input.value.trim());
    input.value = "";
    send(data, "上传：" + file.name, "/chat/upload");
    sheet.value = "";
  });
  send({ text: "/start" }, null);
})();
