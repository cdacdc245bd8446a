/**
 * The page's one script: the offline what-if planner. It reads its data with
 * JSON.parse from the `#planner-data` block (never evaluates it), writes only
 * text (textContent, input values), makes no request, and builds the plan CSV
 * for `mmm simulate --plan` as a download. The page's Content-Security-Policy
 * allows exactly this script by its sha256 hash.
 *
 * Its curve formulas and number format repeat src/optimise/curves.ts
 * (responseValue) and src/report/html.ts (compact) in plain JavaScript; the
 * browser test checks that the page's figures equal the TypeScript ones.
 */
export const PLANNER_SCRIPT = `(function () {
  'use strict';
  var d = JSON.parse(document.getElementById('planner-data').textContent);
  var n = d.channels.length;
  function knots(c) {
    var x = [], y = [], tail = 0, j;
    if (c.type === 'points') {
      if (c.spend[0] > 0) { x.push(0); y.push(0); }
      for (j = 0; j < c.spend.length; j++) { x.push(c.spend[j]); y.push(c.response[j]); }
    } else {
      x.push(0); y.push(0);
      for (j = 0; j < c.tiers.length; j++) {
        var w = c.tiers[j].width;
        if (w === undefined || w === null) { tail = c.tiers[j].roi; break; }
        x.push(x[x.length - 1] + w); y.push(y[y.length - 1] + w * c.tiers[j].roi);
      }
    }
    return { x: x, y: y, tail: tail };
  }
  function resp(c, v) {
    if (!(v > 0)) return 0;
    if (c.type === 'hill') return c.beta / (1 + Math.pow(c.k / v, c.alpha));
    if (c.type === 'log') return c.beta * Math.log1p(v / c.s);
    var k = knots(c), last = k.x.length - 1;
    if (v >= k.x[last]) return k.y[last] + k.tail * (v - k.x[last]);
    for (var j = 0; j < last; j++) if (v < k.x[j + 1]) return k.y[j] + (v - k.x[j]) / (k.x[j + 1] - k.x[j]) * (k.y[j + 1] - k.y[j]);
    return k.y[last];
  }
  function slope(c, v) {
    v = Math.max(0, v);
    if (c.type === 'hill') {
      if (v === 0) return c.alpha < 1 ? Infinity : c.alpha === 1 ? c.beta / c.k : 0;
      var r = Math.pow(c.k / v, c.alpha);
      return c.beta * c.alpha * r / (v * (1 + r) * (1 + r));
    }
    if (c.type === 'log') return c.beta / (c.s + v);
    var k = knots(c), last = k.x.length - 1;
    if (v >= k.x[last]) return k.tail;
    for (var j = 0; j < last; j++) if (v < k.x[j + 1]) return (k.y[j + 1] - k.y[j]) / (k.x[j + 1] - k.x[j]);
    return k.tail;
  }
  function quantile(s, p) {
    var h = (s.length - 1) * p, lo = Math.floor(h), hi = Math.min(s.length - 1, lo + 1);
    return s[lo] + (h - lo) * (s[hi] - s[lo]);
  }
  function three(v) {
    if (v === 0) return '0';
    var s = Number(v.toPrecision(3));
    return Math.abs(s) >= 1000 ? s.toFixed(0) : String(s);
  }
  function compact(v) {
    if (v === null || !isFinite(v)) return '\\u2013';
    var a = Math.abs(v), units = [[1e9, 'B'], [1e6, 'M'], [1e3, 'k']];
    for (var i = 0; i < units.length; i++) {
      if (Number((a / units[i][0]).toPrecision(3)) >= 1 && a >= units[i][0] * 0.9995) return three(v / units[i][0]) + units[i][1];
    }
    return three(v);
  }
  function ratio(v) { return isFinite(v) ? v.toFixed(2) : '\\u2013'; }
  function signedPct(v) { if (!isFinite(v)) return '\\u2013'; var s = (v * 100).toFixed(1); return (v > 0 && Number(s) !== 0 ? '+' : '') + (Number(s) === 0 ? '0.0' : s) + '%'; }
  function evaluate(x) {
    var spend = 0, rev = 0, marg = 0, i, k;
    for (i = 0; i < n; i++) { spend += x[i]; rev += resp(d.channels[i].curve, x[i]); if (x[i] > 0) marg += x[i] * slope(d.channels[i].curve, x[i]); }
    var draws = [];
    for (k = 0; k < d.draws.length; k++) {
      var r = 0;
      for (i = 0; i < n; i++) { var c = d.draws[k][d.channels[i].name] || d.channels[i].curve; r += resp(c, x[i]); }
      draws.push(r);
    }
    draws.sort(function (a, b) { return a - b; });
    var lo = draws.length ? quantile(draws, 0.05) : NaN, hi = draws.length ? quantile(draws, 0.95) : NaN;
    return { spend: spend, rev: rev, lo: lo, hi: hi, roi: spend > 0 ? rev / spend : NaN, mroi: spend > 0 ? marg / spend : NaN, profit: d.margin * rev - spend, plo: d.margin * lo - spend, phi: d.margin * hi - spend };
  }
  function el(id) { return document.getElementById(id); }
  function text(id, s, value) { var e = el(id); e.textContent = s; if (value !== undefined) e.setAttribute('data-value', String(value)); }
  function read() { var x = []; for (var i = 0; i < n; i++) { var v = Number(el('planner-input-' + i).value); x.push(isFinite(v) && v > 0 ? v : 0); } return x; }
  function band(v, lo, hi) { return compact(v) + (isFinite(lo) ? ' (' + compact(lo) + ' \\u2013 ' + compact(hi) + ')' : ''); }
  function row(prefix, e) {
    text(prefix + '-spend', compact(e.spend), e.spend);
    text(prefix + '-revenue', band(e.rev, e.lo, e.hi), e.rev);
    text(prefix + '-roi', ratio(e.roi), e.roi);
    text(prefix + '-profit', band(e.profit, e.plo, e.phi), e.profit);
  }
  function plan(key) { var x = []; for (var i = 0; i < n; i++) x.push(d.channels[i][key]); return x; }
  function notes(x) {
    for (var i = 0; i < n; i++) {
      var s = d.channels[i].seen, far = s !== null && s > 0 && x[i] > d.extrapolation * s;
      text('planner-note-' + i, far ? 'beyond the most the model saw (' + compact(s) + ' a week): extrapolated' : '');
    }
  }
  function show() {
    var x = read(), e = evaluate(x);
    notes(x);
    text('planner-total', compact(e.spend) + ' (budget ' + compact(d.budget) + ', ' + signedPct(d.budget > 0 ? e.spend / d.budget - 1 : NaN) + ')', e.spend);
    text('planner-revenue', band(e.rev, e.lo, e.hi), e.rev);
    text('planner-roi', ratio(e.roi), e.roi);
    var be = 1 / d.margin, rel = e.mroi / be - 1;
    text('planner-mroas', ratio(e.mroi) + ' (' + (Math.abs(rel) <= 0.01 ? 'at' : rel > 0 ? 'above' : 'below') + ' break-even ' + ratio(be) + ')', e.mroi);
    text('planner-profit', band(e.profit, e.plo, e.phi), e.profit);
    row('planner-this', e);
  }
  function set(x) {
    for (var i = 0; i < n; i++) { var v = Math.round(x[i] * 100) / 100; el('planner-input-' + i).value = String(v); el('planner-slider-' + i).value = String(v); }
    show();
  }
  for (var i = 0; i < n; i++) (function (i) {
    el('planner-slider-' + i).addEventListener('input', function () { el('planner-input-' + i).value = this.value; show(); });
    el('planner-input-' + i).addEventListener('input', function () { el('planner-slider-' + i).value = this.value; show(); });
  })(i);
  el('planner-reset-current').addEventListener('click', function () { set(plan('current')); });
  el('planner-reset-recommended').addEventListener('click', function () { set(plan('recommended')); });
  function field(s) { return /[",\\n\\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s; }
  el('planner-download').addEventListener('click', function () {
    var x = read(), extra = Object.keys(d.controls);
    var lines = [['date'].concat(d.channels.map(function (c) { return field(c.name); }), extra.map(field)).join(',')];
    for (var t = 0; t < d.dates.length; t++) {
      lines.push([d.dates[t]].concat(x.map(function (v) { return String(Math.round(v * 100) / 100); }), extra.map(function (k) { return String(d.controls[k][t]); })).join(','));
    }
    var url = URL.createObjectURL(new Blob([lines.join('\\n') + '\\n'], { type: 'text/csv' }));
    var a = document.createElement('a');
    a.href = url; a.download = 'plan.csv';
    document.body.appendChild(a); a.click(); a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  });
  row('planner-current', evaluate(plan('current')));
  row('planner-recommended', evaluate(plan('recommended')));
  set(plan('recommended'));
})();
`;
