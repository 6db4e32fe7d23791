// The big-screen page: a snapshot of the screen's active warnings from
// /api/warnings, then every later event from /events (Server-Sent Events).
// The browser resumes a dropped stream by itself with Last-Event-ID; events
// it already has are skipped by id, so a resume is silent.
'use strict';

(function () {
  const TZ = 'Asia/Shanghai';
  const KINDS = ['hazard_overdue', 'major_hazard', 'clue', 'licence_expired', 'dual_prevention_idle'];
  const KIND_LABELS = {
    hazard_overdue: '隐患逾期', major_hazard: '疑似重大事故隐患', clue: '移交线索未处理',
    licence_expired: '证件逾期', dual_prevention_idle: '双重预防机制未运行',
  };
  const ACTION_LABELS = { confirm: '通知确认', supervise: '督办', circulate: '通报' };
  const STAGE_LABELS = { 1: '第一阶段', 2: '第二阶段', 3: '第三阶段' };
  const STATE_LABELS = { raised: '未签收', signed: '已签收', dispatched: '已下发', answered: '已反馈', returned: '已退回', closed: '已办结' };
  const FRESH_MS = 10000;
  const PAGE_MS = 10000;
  const FEED_MAX = 14;

  const code = decodeURIComponent(location.pathname.replace(/^\/screen\//, '').replace(/\/$/, ''));
  const items = new Map();      // item key -> Map(warning id -> active warning)
  const fresh = new Map();      // item key -> when it (re)appeared
  let screen = null;            // {code, level, name}
  let lastId = 0;               // last event applied
  let source = null;
  let retryTimer = null;
  let page = 0;
  let lastUpdate = null;

  const $ = (id) => document.getElementById(id);

  // The screen's supervision orders and circulars, printable (the worker's /documents/ pages).
  $('documents-link').href = '/documents/' + encodeURIComponent(code);

  // One item (a hazard, clue, licence or unit) climbs several stages; the
  // screen shows it once, at its highest active stage. The page keeps every
  // active warning of the item it was sent: a catch-up run raises an item's
  // stages in no particular order of ids, and the item leaves the screen only
  // when the last of them is resolved.
  function itemKey(w) {
    return w.subject_id != null ? w.kind + ':' + w.subject_id : 'w:' + w.warning_id;
  }

  // The warning an item is shown by: its highest stage, the newest of equals.
  function shownWarning(item) {
    let top = null;
    for (const w of item.values()) {
      if (!top || w.stage > top.stage || (w.stage === top.stage && w.warning_id > top.warning_id)) top = w;
    }
    return top;
  }

  // Returns whether the item's row changed.
  function applyRaised(w) {
    const key = itemKey(w);
    let item = items.get(key);
    if (!item) {
      item = new Map();
      items.set(key, item);
    }
    if (item.has(w.warning_id)) return false;
    const before = shownWarning(item);
    item.set(w.warning_id, w);
    return shownWarning(item) !== before;
  }

  function applyResolved(w) {
    const key = itemKey(w);
    const item = items.get(key);
    if (!item || !item.has(w.warning_id)) return false;
    const before = shownWarning(item);
    item.delete(w.warning_id);
    if (item.size === 0) {
      items.delete(key);
      fresh.delete(key);
      return true;
    }
    return shownWarning(item) !== before;
  }

  // Signing (acknowledged), the later handling steps (handled) and the
  // outcome of a notification (notified) carry the warning's handling state
  // and its notifications counted, as they stand.
  const NOTIFIED = ['notified', 'notified_pending', 'notified_delivered', 'notified_failed',
    'notified_last_delivered_at', 'notified_channels'];
  function applyHandled(w) {
    const item = items.get(itemKey(w));
    const have = item && item.get(w.warning_id);
    if (!have) return false;
    have.acknowledged_at = w.acknowledged_at;
    have.handling_state = w.handling_state;
    have.handling_overdue = w.handling_overdue;
    for (const k of NOTIFIED) if (k in w) have[k] = w[k];
    return true;
  }

  // ---- formatting -------------------------------------------------------

  const fmtTime = new Intl.DateTimeFormat('zh-CN', { timeZone: TZ, hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
  const fmtShort = new Intl.DateTimeFormat('zh-CN', { timeZone: TZ, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false });
  const fmtDate = new Intl.DateTimeFormat('zh-CN', { timeZone: TZ, year: 'numeric', month: 'long', day: 'numeric', weekday: 'long' });

  function overdue(dueMs, now) {
    if (dueMs == null) return '—';
    let mins = Math.floor((now - dueMs) / 60000);
    if (mins < 1) return '刚到期';
    const d = Math.floor(mins / 1440); mins -= d * 1440;
    const h = Math.floor(mins / 60); const m = mins - h * 60;
    if (d > 0) return d + '天' + (h ? h + '小时' : '');
    if (h > 0) return h + '小时' + (m ? m + '分' : '');
    return m + '分钟';
  }

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  // ---- rendering --------------------------------------------------------

  // When the item's episode first fell due: the earliest that the warnings of
  // the shown one's episode say (a warning read before its item's first
  // stage was raised knows only its own due time).
  function firstDue(item, shown) {
    let first = null;
    for (const w of item.values()) {
      if (w.started_at !== shown.started_at) continue;
      for (const t of [w.first_due_at, w.due_at]) {
        const ms = t ? new Date(t).getTime() : NaN;
        if (!Number.isNaN(ms) && (first === null || ms < first)) first = ms;
      }
    }
    return first;
  }

  // One row per item: its shown warning and first due time, and whether it
  // came from a district screen: an item with a stage on a district screen
  // that is now on the city's has escalated; one that started on the city
  // screen is a city-level item. (An item's stages are resolved together.)
  function sortedItems() {
    return Array.from(items.values(), (item) => {
      const shown = shownWarning(item);
      const fromDistrict = Array.from(item.values()).some((w) => w.screen === 'district');
      return Object.assign({}, shown, { fromDistrict, firstDue: firstDue(item, shown) });
    })
      .sort((a, b) =>
      (b.raised_at || '').localeCompare(a.raised_at || '') || b.warning_id - a.warning_id);
  }

  // Who was told, as counts (no one is named on a screen):
  // 已通知 3（企业微信 1 · 短信 2）· 送达 2 · 失败 1 · 最近送达 12-07 15:20.
  function notifiedLine(w) {
    if (!w.notified) return null;
    const kinds = (w.notified_channels || []).map((c) => c.label + ' ' + c.count).join(' · ');
    const parts = ['已通知 ' + w.notified + (kinds ? '（' + kinds + '）' : '')];
    if (w.notified_pending) parts.push('待发送 ' + w.notified_pending);
    if (w.notified_delivered) parts.push('送达 ' + w.notified_delivered);
    if (w.notified_failed) parts.push('失败 ' + w.notified_failed);
    if (w.notified_last_delivered_at) parts.push('最近送达 ' + fmtShort.format(new Date(w.notified_last_delivered_at)));
    const line = el('span', 'c-notified' + (w.notified_failed ? ' notified-failed' : ''), parts.join(' · '));
    line.dataset.pending = w.notified_pending || 0;
    line.dataset.delivered = w.notified_delivered || 0;
    line.dataset.failed = w.notified_failed || 0;
    return line;
  }

  function rowFor(w, now) {
    const key = itemKey(w);
    const li = el('li', 'warning kind-' + w.kind + ' stage-' + w.stage);
    li.dataset.key = key;
    li.dataset.warningId = w.warning_id;
    li.dataset.unit = w.unit_name || '';
    const since = fresh.get(key);
    if (since && now - since < FRESH_MS) li.classList.add('fresh');

    li.append(el('span', 'c-time', w.raised_at ? fmtShort.format(new Date(w.raised_at)) : '—'));
    const unit = el('span', 'c-unit');
    unit.append(el('span', 'unit-name', w.unit_name || '（无单位）'));
    if (screen && screen.level === 'district' && w.screen === 'city') {
      unit.append(w.fromDistrict ? el('span', 'tag tag-escalated', '已升级至市级') : el('span', 'tag tag-city', '市级事项'));
    }
    const state = w.handling_state || (w.acknowledged_at ? 'signed' : 'raised');
    const tag = el('span', 'tag tag-state state-' + state + (w.handling_overdue ? ' state-overdue' : ''),
      STATE_LABELS[state] + (w.handling_overdue ? '·超时' : ''));
    tag.dataset.state = state;
    unit.append(tag);
    if (w.addressee_name === '无承办部门') unit.append(el('span', 'tag tag-nobody', '无承办部门'));
    li.append(unit);
    // A province screen names the city (and district) where a city screen names the street.
    li.append(el('span', 'c-street', w.city_name ? w.city_name + (w.district_name ? ' · ' + w.district_name : '') : (w.street_name || '—')));
    li.append(el('span', 'c-kind', w.kind_label || KIND_LABELS[w.kind] || w.kind));
    li.append(el('span', 'c-stage', STAGE_LABELS[w.stage] || String(w.stage)));
    const act = el('span', 'c-action');
    act.append(el('span', 'action action-' + w.action, w.action_label || ACTION_LABELS[w.action] || w.action));
    li.append(act);
    // Overdue since the item's first stage fell due, as days_overdue counts it.
    li.append(el('span', 'c-overdue', overdue(w.firstDue, now)));
    const told = notifiedLine(w);
    if (told) li.append(told);
    return li;
  }

  function renderCounts(list) {
    const byKind = Object.fromEntries(KINDS.map((k) => [k, 0]));
    const byStage = { 1: 0, 2: 0, 3: 0 };
    const byAction = { confirm: 0, supervise: 0, circulate: 0 };
    for (const w of list) {
      if (w.kind in byKind) byKind[w.kind]++;
      if (w.stage in byStage) byStage[w.stage]++;
      if (w.action in byAction) byAction[w.action]++;
    }
    $('count-total').textContent = list.length;
    for (const k of KINDS) document.querySelector('[data-count="' + k + '"]').textContent = byKind[k];
    const max = Math.max(1, ...Object.values(byStage));
    for (const s of [1, 2, 3]) {
      const row = document.querySelector('.stage-row[data-stage="' + s + '"]');
      row.querySelector('.stage-value').textContent = byStage[s];
      row.querySelector('.stage-bar i').style.width = (100 * byStage[s] / max) + '%';
    }
    for (const a of Object.keys(byAction)) document.querySelector('[data-action="' + a + '"]').textContent = byAction[a];
    if (screen && screen.level === 'province') renderCityCounts(list);
  }

  // A province screen: active warnings per city, most first.
  function renderCityCounts(list) {
    const byCity = new Map();
    for (const w of list) {
      const c = byCity.get(w.city) || { name: w.city_name || w.city, n: 0 };
      c.n++;
      byCity.set(w.city, c);
    }
    const rows = Array.from(byCity.entries()).sort((a, b) => b[1].n - a[1].n || a[0].localeCompare(b[0]));
    $('city-counts').replaceChildren(...rows.map(([city, c]) => {
      const li = el('li', 'city-count');
      li.dataset.city = city;
      li.append(el('span', 'city-name', c.name), el('b', 'city-value', String(c.n)));
      return li;
    }));
  }

  // Rows that fit the panel; the list turns pages when there are more.
  function rowsPerPage() {
    const box = $('warnings');
    const first = box.querySelector('li');
    const h = first ? first.getBoundingClientRect().height + 6 : 62;
    return Math.max(3, Math.floor(box.clientHeight / h));
  }

  function render() {
    const now = Date.now();
    const list = sortedItems();
    renderCounts(list);
    const box = $('warnings');
    if (list.length && !box.firstChild) box.replaceChildren(rowFor(list[0], now));   // a row to measure
    const per = rowsPerPage();
    const pages = Math.max(1, Math.ceil(list.length / per));
    if (page >= pages) page = 0;
    box.replaceChildren(...list.slice(page * per, page * per + per).map((w) => rowFor(w, now)));
    $('empty').hidden = list.length > 0;
    $('page-info').textContent = list.length ? ('共 ' + list.length + ' 条' + (pages > 1 ? ' · 第 ' + (page + 1) + '/' + pages + ' 页' : '')) : '';
    document.body.dataset.count = list.length;
    document.body.dataset.lastEventId = lastId;
  }

  function feed(type, w) {
    const text = {
      raised: w.stage > 1 ? '升级' : '新预警',
      resolved: '已处置',
      acknowledged: '已签收',
      handled: STATE_LABELS[w.handling_state] || '处置',
    }[type] || type;
    const li = el('li', 'feed-' + type + (type === 'raised' && w.stage > 1 ? ' feed-up' : ''));
    li.append(el('time', null, fmtTime.format(new Date())));
    li.append(el('b', null, text));
    li.append(el('span', null, (w.unit_name || '') + ' · ' + (w.kind_label || KIND_LABELS[w.kind] || '') + ' · ' + (STAGE_LABELS[w.stage] || '')));
    const box = $('feed');
    box.prepend(li);
    while (box.children.length > FEED_MAX) box.lastChild.remove();
  }

  function tick() {
    const now = new Date();
    $('clock-time').textContent = fmtTime.format(now);
    $('clock-date').textContent = fmtDate.format(now);
  }

  // ---- connection -------------------------------------------------------

  function setConnected(up) {
    $('banner').hidden = up;
    document.body.dataset.connected = up ? 'yes' : 'no';
    const s = $('conn-state');
    s.textContent = up ? '● 实时连接' : '● 连接中断';
    s.className = 'conn ' + (up ? 'conn-up' : 'conn-down');
  }

  function touch() {
    lastUpdate = new Date();
    $('last-update').textContent = '数据更新于 ' + fmtTime.format(lastUpdate) + ' · 事件 #' + lastId;
  }

  function onEvent(e) {
    const id = Number(e.lastEventId);
    if (id && id <= lastId) return;          // already applied (snapshot or before a resume)
    const w = JSON.parse(e.data);
    const changed = e.type === 'raised' ? applyRaised(w)
      : e.type === 'resolved' ? applyResolved(w)
        : e.type === 'acknowledged' || e.type === 'handled' || e.type === 'notified' ? applyHandled(w) : false;
    if (id) lastId = id;
    if (changed && e.type === 'raised') {
      fresh.set(itemKey(w), Date.now());
      page = 0;                              // the newest is on the first page
    }
    if (changed && e.type !== 'notified') feed(e.type, w);
    touch();
    render();
  }

  function openStream() {
    clearTimeout(retryTimer);
    if (source) source.close();
    source = new EventSource('/events?screen=' + encodeURIComponent(code) + '&after=' + lastId);
    source.onopen = () => setConnected(true);
    for (const t of ['raised', 'resolved', 'acknowledged', 'handled', 'notified']) source.addEventListener(t, onEvent);
    source.onerror = () => {
      setConnected(false);
      // CONNECTING: the browser retries by itself, sending Last-Event-ID.
      // CLOSED: it gave up (e.g. 503 while the database is away); start again.
      if (source.readyState === EventSource.CLOSED) {
        source.close();
        retryTimer = setTimeout(openStream, 3000);
      }
    };
  }

  function showScreen() {
    const isCity = screen.level === 'city';
    $('screen-name').textContent = screen.name;
    document.title = screen.name + ' 预警大屏 · 安全生产综合监管平台';
    const isProvince = screen.level === 'province';
    $('screen-scope').textContent = isProvince
      ? '全省各市市级预警 · 各市统计 · 实时推送'
      : isCity
        ? '全市预警 · 市级督办与通报 · 实时推送'
        : '本区县预警 · 含已升级至市级事项 · 实时推送';
    document.body.classList.toggle('level-city', isCity || isProvince);
    // A province issues no documents: its worker serves no list.
    $('documents-link').hidden = isProvince;
    document.body.classList.toggle('level-province', isProvince);
    $('city-panel').hidden = !isProvince;
  }

  async function start() {
    try {
      const resp = await fetch('/api/warnings?screen=' + encodeURIComponent(code), { cache: 'no-store' });
      if (resp.status === 404 || resp.status === 400) {
        $('screen-name').textContent = '未知大屏';
        $('screen-scope').textContent = '没有这个大屏：' + code;
        return;
      }
      if (!resp.ok) throw new Error('HTTP ' + resp.status);
      const snap = await resp.json();
      screen = snap.screen;
      items.clear();
      for (const w of snap.warnings) applyRaised(w);
      lastId = snap.last_event_id;
      showScreen();
      touch();
      render();
      openStream();
    } catch (err) {
      setConnected(false);
      retryTimer = setTimeout(start, 3000);
    }
  }

  setConnected(false);
  $('banner').hidden = true;               // no banner before the first attempt has failed
  tick();
  setInterval(tick, 1000);
  setInterval(() => { if (screen) render(); }, 30000);          // overdue times move on
  setInterval(() => { page++; if (screen) render(); }, PAGE_MS);
  window.addEventListener('resize', () => { if (screen) render(); });
  start();
})();
