/* Shared by the pages: JSON calls with the anti-CSRF header, and safe element building. */
"use strict";
var innobot = (function () {
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k === "class") node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) node.appendChild(c); });
    return node;
  }
  function call(method, path, body, headers) {
    var h = { "X-Innobot": "1" };
    Object.keys(headers || {}).forEach(function (k) { h[k] = headers[k]; });
    var init = { method: method, headers: h, credentials: "same-origin" };
    if (body instanceof FormData) init.body = body;
    else if (body !== undefined) { h["Content-Type"] = "application/json"; init.body = JSON.stringify(body); }
    return fetch(path, init).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) {
        return { ok: res.ok, status: res.status, data: data };
      });
    }, function () {
      return { ok: false, status: 0, data: { error: "网络连接失败，请检查网络后重试。" } };
    });
  }
  function showError(node, message) {
    node.textContent = message || "";
    node.classList.toggle("hidden", !message);
  }
  return { el: el, call: call, showError: showError };
})();
