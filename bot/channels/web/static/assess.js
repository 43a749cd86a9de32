/* The self-assessment page: a grouped form per rule set, inline Chinese messages, the result. */
"use strict";
(function () {
  var el = innobot.el, schema = [], current = null;
  var tabs = document.getElementById("tabs"), groups = document.getElementById("groups");
  var form = document.getElementById("form"), formError = document.getElementById("form-error");

  function input(f) {
    var id = "f-" + f.name, control;
    if (f.kind === "enum" || f.kind === "bool") {
      var options = [el("option", { value: "", text: "请选择" })];
      var choices = f.kind === "bool" ? [["true", "是"], ["false", "否"]] : f.choices;
      choices.forEach(function (c) { options.push(el("option", { value: c[0], text: c[1] })); });
      control = el("select", { id: id, name: f.name }, options);
    } else {
      control = el("input", { id: id, name: f.name, inputmode: "decimal", autocomplete: "off" });
    }
    var label = el("label", { for: id, text: f.label }, f.required ? [el("span", { class: "req", text: " *" })] : []);
    var wrap = el("div", { class: "unit-wrap" }, [control, f.unit ? el("span", { class: "unit", text: f.unit }) : null]);
    return el("div", { class: "field", id: "wrap-" + f.name }, [label, wrap, el("div", { class: "msg-inline", id: "msg-" + f.name })]);
  }

  function choose(id) {
    current = schema.filter(function (s) { return s.id === id; })[0];
    Array.prototype.forEach.call(tabs.children, function (b) { b.classList.toggle("on", b.dataset.id === id); });
    groups.textContent = "";
    current.groups.forEach(function (g) {
      var fields = g.fields.map(input);
      groups.appendChild(el("fieldset", {}, [el("legend", { text: g.label }), el("div", { class: "grid" }, fields)]));
    });
    document.getElementById("result").classList.add("hidden");
    innobot.showError(formError, "");
  }

  function clearMessages() {
    Array.prototype.forEach.call(form.querySelectorAll(".field"), function (f) { f.classList.remove("invalid"); });
    Array.prototype.forEach.call(form.querySelectorAll(".msg-inline"), function (m) { m.textContent = ""; });
  }

  function mark(name, message) {
    var wrap = document.getElementById("wrap-" + name), msg = document.getElementById("msg-" + name);
    if (wrap) { wrap.classList.add("invalid"); msg.textContent = message; }
  }

  function focusInvalid() {
    var first = form.querySelector(".field.invalid input, .field.invalid select");
    if (first) { first.scrollIntoView({ block: "center" }); first.focus(); }
  }

  function collect() {
    var figures = {}, bad = 0;
    current.groups.forEach(function (g) {
      g.fields.forEach(function (f) {
        var v = document.getElementById("f-" + f.name).value.trim().replace(/,/g, "");
        if (!v) return;
        if (f.kind !== "enum" && f.kind !== "bool" && !/^-?\d+(\.\d+)?$/.test(v)) {
          mark(f.name, "请填写数字（单位：" + (f.unit || "无") + "）"); bad++; return;
        }
        figures[f.name] = f.kind === "bool" ? v === "true" : v;
      });
    });
    return bad ? null : figures;
  }

  function list(node, items) {
    node.textContent = "";
    items.forEach(function (t) { node.appendChild(el("li", { text: t })); });
  }

  function show(r) {
    document.getElementById("r-title").textContent = r.title;
    document.getElementById("r-value").textContent = r.headline.value;
    document.getElementById("r-label").textContent = r.headline.label;
    document.getElementById("r-headline").className = "headline " + (r.headline.ok ? "ok" : "bad");
    list(document.getElementById("r-summary"), r.summary);
    document.getElementById("r-chart").src = r.chart;
    var body = document.querySelector("#r-verdicts tbody");
    body.textContent = "";
    r.verdicts.forEach(function (v) {
      body.appendChild(el("tr", { class: v.status }, [
        el("td", { text: v.label }),
        el("td", { "data-label": "结论" }, [el("span", { class: "status " + v.status, text: v.status_label })]),
        el("td", { "data-label": "本企业", class: "nowrap", text: v.value }),
        el("td", { "data-label": "要求", class: "nowrap", text: v.threshold }),
        el("td", { "data-label": "差距", class: v.gap && v.status === "fail" ? "gap" : "", text: v.gap })
      ]));
    });
    document.getElementById("r-verdicts-card").classList.toggle("hidden", !r.verdicts.length);
    list(document.getElementById("r-suggestions"), r.suggestions);
    document.getElementById("r-suggestions-card").classList.toggle("hidden", !r.suggestions.length);
    document.getElementById("r-note").textContent = r.note;
    document.getElementById("r-disclaimer").textContent = r.disclaimer;
    document.getElementById("r-report").href = r.report;
    var section = document.getElementById("result");
    section.classList.remove("hidden");
    section.scrollIntoView({ behavior: "smooth" });
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    clearMessages();
    innobot.showError(formError, "");
    var figures = collect();
    if (!figures) { innobot.showError(formError, "请改正标红的项目。"); focusInvalid(); return; }
    var button = document.getElementById("submit");
    button.disabled = true;
    var body = { rule_set: current.id, figures: figures, firm_name: document.getElementById("firm_name").value };
    innobot.call("POST", "/assess/score", body).then(function (res) {
      button.disabled = false;
      if (!res.ok) {
        Object.keys(res.data.fields || {}).forEach(function (k) { mark(k, res.data.fields[k]); });
        innobot.showError(formError, res.data.error || "出错了，请稍后再试。");
        focusInvalid();
        return;
      }
      show(res.data);
    });
  });
  form.addEventListener("reset", function () { clearMessages(); document.getElementById("result").classList.add("hidden"); });

  innobot.call("GET", "/assess/schema").then(function (res) {
    if (!res.ok) { innobot.showError(formError, res.data.error || "加载失败，请刷新页面。"); return; }
    schema = res.data;
    schema.forEach(function (s) {
      var b = el("button", { type: "button", role: "tab", text: s.title });
      b.dataset.id = s.id;
      b.addEventListener("click", function () { choose(s.id); });
      tabs.appendChild(b);
    });
    var wanted = (location.hash || "").slice(1);
    choose(schema.some(function (s) { return s.id === wanted; }) ? wanted : schema[0].id);
  });
})();
