/* The administrator's page: login, batch ranking with stage filter, briefings, subscribers. */
"use strict";
(function () {
  var el = innobot.el, csrf = null, table = null, stage = "";
  var $ = function (id) { return document.getElementById(id); };

  function call(method, path, body) {
    return innobot.call(method, path, body, csrf ? { "X-CSRF-Token": csrf } : {}).then(function (res) {
      if (res.status === 401 && csrf) { csrf = null; showLogin("登录已过期，请重新登录。"); }
      return res;
    });
  }

  function showLogin(message) {
    $("panel").classList.add("hidden"); $("logout").classList.add("hidden");
    $("login").classList.remove("hidden");
    innobot.showError($("login-error"), message || "");
  }

  function showPanel() {
    $("login").classList.add("hidden");
    $("panel").classList.remove("hidden"); $("logout").classList.remove("hidden");
    loadBriefings(); loadSubscribers();
  }

  function rows(tbody, items, cells) {
    tbody.textContent = "";
    items.forEach(function (item) { tbody.appendChild(el("tr", {}, cells(item))); });
  }

  function td(t) { return el("td", { text: t === null || t === undefined ? "" : String(t) }); }

  function distribution(list) {
    var bins = [0, 0, 0, 0, 0], names = ["<55", "55–70", "70–85", "≥85", "无总分"];
    list.forEach(function (r) {
      var t = r.total;
      bins[t === null || t === undefined ? 4 : t < 55 ? 0 : t < 70 ? 1 : t < 85 ? 2 : 3]++;
    });
    var most = Math.max.apply(null, bins.concat([1]));
    $("distribution").textContent = "";
    bins.forEach(function (n, i) {
      var bar = el("div", { class: "bar" });
      bar.style.width = (100 * n / most) + "%";  /* CSSOM, not a style attribute: the CSP allows it */
      $("distribution").appendChild(el("div", { class: "bar-row" }, [
        el("span", { text: names[i] }), el("div", {}, [bar]), el("span", { text: n + " 家" })
      ]));
    });
  }

  function renderTable() {
    var shown = table.rows.filter(function (r) { return !stage || r.stage === stage; });
    var head = $("ranking-table").querySelector("thead");
    head.textContent = "";
    head.appendChild(el("tr", {}, table.columns.map(function (c) { return el("th", { text: c.label }); })));
    rows($("ranking-table").querySelector("tbody"), shown, function (r) {
      return table.columns.map(function (c) {
        if (c.key === "list" && r.list) return el("td", {}, [el("span", { class: "label-chip", text: r.list })]);
        return td(r[c.key]);
      });
    });
    $("ranking-count").textContent = "共 " + shown.length + " 家" + (stage ? "（" + stage + "）" : "");
    distribution(shown);
  }

  function renderRanking(data) {
    table = data; stage = "";
    var filter = $("stage-filter");
    filter.textContent = "";
    [""].concat(data.stages).forEach(function (s) {
      var b = el("button", { type: "button", text: s || "全部阶段" });
      b.classList.toggle("on", s === stage);
      b.addEventListener("click", function () {
        stage = s;
        Array.prototype.forEach.call(filter.children, function (x) { x.classList.toggle("on", x === b); });
        renderTable();
      });
      filter.appendChild(b);
    });
    renderTable();
    var errors = $("row-errors");
    errors.textContent = "";
    (data.notes || []).forEach(function (n) { errors.appendChild(el("li", { text: n })); });
    data.errors.slice(0, 20).forEach(function (e) { errors.appendChild(el("li", { text: "第 " + e.row + " 行：" + e.message })); });
    $("batch-download").href = data.download;
    $("batch-download").classList.remove("hidden");
    $("ranking").classList.remove("hidden");
  }

  function loadBriefings() {
    call("GET", "/admin/api/briefings").then(function (res) {
      if (!res.ok) { innobot.showError($("briefing-error"), res.data.error); return; }
      rows($("briefings").querySelector("tbody"), res.data, function (b) {
        var remove = el("button", { type: "button", class: "secondary", text: "删除" });
        remove.addEventListener("click", function () {
          if (!window.confirm("确定删除“" + b.name + "”？")) return;
          call("POST", "/admin/api/briefings/remove", { id: b.id }).then(function (r) {
            if (!r.ok) innobot.showError($("briefing-error"), r.data.error);
            loadBriefings();
          });
        });
        return [td(b.id), td(b.name), td(b.source), td(b.date), td(b.articles), el("td", {}, [remove])];
      });
    });
  }

  function loadSubscribers() {
    call("GET", "/admin/api/subscribers").then(function (res) {
      if (!res.ok) return;
      var counts = Object.keys(res.data.counts).map(function (k) { return k + " " + res.data.counts[k] + " 个"; });
      $("counts").textContent = "有效订阅：" + (counts.join("，") || "暂无");
      rows($("deliveries").querySelector("tbody"), res.data.deliveries, function (d) {
        return [td(d.at), td(d.channel), td(d.status), td(d.articles), td(d.detail)];
      });
    });
  }

  function poll(job) {
    call("GET", "/admin/api/jobs/" + job).then(function (res) {
      if (!res.ok) { innobot.showError($("briefing-error"), res.data.error); return; }
      var j = res.data, pct = j.total ? Math.round(100 * j.done / j.total) : 0;
      $("ingest-text").textContent = j.state === "running" ? "正在收录… " + pct + "%" : j.message;
      $("ingest-bar").style.width = (j.state === "running" ? pct : 100) + "%";
      if (j.state === "running") window.setTimeout(function () { poll(job); }, 700);
      else loadBriefings();
    });
  }

  $("login").addEventListener("submit", function (e) {
    e.preventDefault();
    innobot.call("POST", "/admin/login", { token: $("token").value }).then(function (res) {
      if (!res.ok) { showLogin(res.data.error); return; }
      csrf = res.data.csrf; $("token").value = ""; showPanel();
    });
  });

  $("logout").addEventListener("click", function (e) {
    e.preventDefault();
    call("POST", "/admin/logout", {}).then(function () { csrf = null; showLogin("已退出。"); });
  });

  $("batch").addEventListener("submit", function (e) {
    e.preventDefault();
    var file = $("batch-file").files[0];
    if (!file) { innobot.showError($("batch-error"), "请选择要上传的文件。"); return; }
    var data = new FormData();
    data.append("rule_set", $("batch-rules").value);
    data.append("file", file);
    innobot.showError($("batch-error"), "");
    $("batch-submit").disabled = true;
    call("POST", "/admin/api/batch", data).then(function (res) {
      $("batch-submit").disabled = false;
      if (!res.ok) { innobot.showError($("batch-error"), res.data.error); return; }
      renderRanking(res.data);
    });
  });

  $("briefing").addEventListener("submit", function (e) {
    e.preventDefault();
    var file = $("briefing-file").files[0];
    if (!file) { innobot.showError($("briefing-error"), "请选择要上传的文件。"); return; }
    var data = new FormData();
    data.append("file", file);
    innobot.showError($("briefing-error"), "");
    call("POST", "/admin/api/briefings", data).then(function (res) {
      if (!res.ok) { innobot.showError($("briefing-error"), res.data.error); return; }
      $("ingest").classList.remove("hidden");
      poll(res.data.job);
    });
  });

  innobot.call("GET", "/admin/api/state").then(function (res) {
    if (res.ok) { csrf = res.data.csrf; showPanel(); } else showLogin(res.status === 401 ? "" : res.data.error);
  });
})();
