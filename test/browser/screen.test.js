// screen.test.js — the big-screen page in Debian's Chromium, against a real
// cluster and a real escalation-worker: a warning shows on the city screen
// within 2 s of the run() that raised it and leaves when it is handled; a
// district screen keeps an escalated item, marked 已升级至市级, at its highest
// stage whatever the order of its warnings' ids; the command centre's
// handling steps change a warning's state on both pages; the row counts the
// warning's notifications and follows their delivery; when the
// worker goes away the page shows the reconnect banner, and when it is back
// the page resumes silently with what it missed. Prints TAP.
//
// Environment (set by test/scripts/65_browser.sh): PGHOST PGPORT PGUSER,
// TEST_DB (a database with the extension), SCREEN_ROLE (a login role in
// escalation_screen), WORKER (the binary), WWW (its static files), OUT (where
// the screenshots go).
'use strict';

const { chromium } = require('playwright-core');
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const env = process.env;
let count = 0;
let failures = 0;

function ok(cond, name, diag) {
  count++;
  console.log((cond ? 'ok ' : 'not ok ') + count + ' - ' + name);
  if (!cond) {
    failures++;
    if (diag !== undefined) for (const line of String(diag).split('\n')) console.log('#   ' + line);
  }
  return cond;
}

function psql(sql) {
  return execFileSync('psql', ['-qXAt', '-v', 'ON_ERROR_STOP=1', '-d', env.TEST_DB, '-c', sql],
    { encoding: 'utf8' }).trim();
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Start the worker; resolves with its port once it serves.
function startWorker(port, logName) {
  const log = fs.openSync(path.join(env.OUT, logName), 'w');
  const proc = spawn(env.WORKER, ['--port', String(port), '--www', env.WWW, '--heartbeat', '2',
    '--poll-interval', '2', '--backoff-min', '0.2', '--backoff-max', '1', '--log-level', 'debug',
    'dbname=' + env.TEST_DB + ' user=' + env.SCREEN_ROLE], { stdio: ['ignore', log, log] });
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 10000;
    const poll = () => {
      const m = /serving screens on http:\/\/127\.0\.0\.1:(\d+)\//.exec(fs.readFileSync(path.join(env.OUT, logName), 'utf8'));
      if (m) return resolve({ proc, port: Number(m[1]) });
      if (Date.now() > deadline || proc.exitCode !== null) return reject(new Error('worker did not start'));
      setTimeout(poll, 50);
    };
    poll();
  });
}

function stopWorker(w) {
  return new Promise((resolve) => {
    if (w.proc.exitCode !== null) return resolve(w.proc.exitCode);
    w.proc.once('exit', (code) => resolve(code));
    w.proc.kill('SIGTERM');
  });
}

// A hazard of unit `unit` found `ago` before now by department `dept`.
function addHazard(unit, dept, ago) {
  return Number(psql(`INSERT INTO escalation.hazard (unit_id, found_by, found_at, grade, needs_recheck)
    SELECT u.id, d.id, now() - interval '${ago}', 'suspected_major', true
      FROM escalation.unit u, escalation.department d WHERE u.name = '${unit}' AND d.name = '${dept}'
    RETURNING id`));
}

function warningId(hazard, stage) {
  return Number(psql(`SELECT id FROM escalation.warning WHERE kind = 'major_hazard' AND subject_id = ${hazard} AND stage = ${stage}`));
}

async function main() {
  psql(`INSERT INTO escalation.division (code, name) VALUES
          ('370100', '济南市'), ('370102', '历下区'), ('370103', '市中区'), ('370102001', '解放路街道')
        ON CONFLICT (code) DO NOTHING;
        INSERT INTO escalation.department (name, level, region) VALUES
          ('济南市应急管理局', 'city', '370100'), ('历下区应急管理局', 'district', '370102');
        INSERT INTO escalation.unit (name, region, supervision_level) VALUES
          ('济南泉城化工有限公司', '370102001', 'city'), ('历下明湖仓储有限公司', '370102001', 'district'),
          ('济南趵突泉食品有限公司', '370102001', 'district'), ('历下泉润加油站', '370102001', 'district')`);

  let worker = await startWorker(0, '65_browser.worker.log');
  const base = 'http://127.0.0.1:' + worker.port;
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run',
      '--disable-component-update', '--disable-sync'],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const foreign = [];
    page.on('request', (req) => { if (!req.url().startsWith(base)) foreign.push(req.url()); });
    const consoleErrors = [];
    page.on('console', (msg) => { if (msg.type() === 'error') consoleErrors.push(msg.text()); });

    await page.goto(base + '/screen/city');
    await page.waitForSelector('body[data-connected="yes"]', { timeout: 10000 });
    ok(true, 'the city page loads and opens its event stream');
    ok((await page.textContent('#screen-name')) === '济南市', 'the header names the screen: 济南市');

    // A suspected major hazard found by a city department: stage 1 is on the city screen.
    const hazard = addHazard('济南泉城化工有限公司', '济南市应急管理局', '2 hours');
    const raised = Number(psql('SELECT escalation.run()'));
    const t0 = Date.now();
    let shown = null;
    try {
      await page.waitForSelector('#warnings li[data-unit="济南泉城化工有限公司"]', { state: 'visible', timeout: 2000 });
      shown = Date.now() - t0;
    } catch (e) { /* timed out */ }
    ok(raised >= 1 && shown !== null && shown <= 2000,
      `the city page shows the warning within 2 s of the run() that raised it (${shown} ms)`);
    const w1 = warningId(hazard, 1);
    const row = `#warnings li[data-warning-id="${w1}"]`;
    ok(shown !== null && await page.isVisible(row), 'the row carries the id of the warning that run() raised');
    const text = shown !== null ? await page.textContent(row) : '';
    ok(/济南泉城化工有限公司/.test(text) && /疑似重大事故隐患/.test(text) && /通知确认/.test(text) && /第一阶段/.test(text),
      'the row shows unit, kind, stage and action', text);
    ok((await page.textContent('[data-count="major_hazard"]')) === '1' && (await page.textContent('#count-total')) === '1',
      'the counts by kind follow');
    ok(await page.$eval(`${row} .action`, (e) => e.classList.contains('action-confirm')),
      'the action is colour-coded (通知确认)');
    await page.screenshot({ path: path.join(env.OUT, '65_browser.city.png') });

    // Handling resolves it: the row leaves.
    psql(`SELECT (escalation.hazard_confirm(h.id, true, h.found_by, '确认为重大事故隐患', now() + interval '30 days')).id
            FROM escalation.hazard h WHERE h.id = ${hazard}`);
    psql('SELECT escalation.run()');
    const t1 = Date.now();
    let gone = null;
    try {
      await page.waitForSelector(row, { state: 'detached', timeout: 2000 });
      gone = Date.now() - t1;
    } catch (e) { /* still there */ }
    ok(gone !== null, `the warning leaves the city page when it is handled (${gone} ms)`);
    ok((await page.textContent('#count-total')) === '0' && await page.isVisible('#empty'),
      'the page says there is no active warning');

    // A district screen keeps an item that escalated to the city, marked as such.
    const district = await context.newPage();
    await district.goto(base + '/screen/370102');
    await district.waitForSelector('body[data-connected="yes"]', { timeout: 10000 });
    const escalated = addHazard('历下明湖仓储有限公司', '历下区应急管理局', '3 days 1 hour');
    psql('SELECT escalation.run()');
    const e2 = warningId(escalated, 2);
    let escalatedRow = null;
    try {
      escalatedRow = await district.waitForSelector(`#warnings li[data-warning-id="${e2}"]`, { timeout: 2000 });
    } catch (e) { /* not shown */ }
    const etext = escalatedRow ? await escalatedRow.textContent() : '';
    ok(/已升级至市级/.test(etext) && /督办/.test(etext),
      'the district page shows the item once, at its city stage, marked 已升级至市级', etext);
    ok((await district.$$('#warnings li')).length === 1, 'stages 1 and 2 of one item make one row');
    await district.screenshot({ path: path.join(env.OUT, '65_browser.district.png') });

    // An item's stages reach a screen in any order of ids (a catch-up raises
    // them as it finds them). Written here by hand, stage 3 first: the page
    // shows the item at stage 3, overdue since stage 1 fell due, and keeps it
    // until its last active warning is resolved.
    const at = psql('SELECT now()');
    const handWarning = (stage, screen, region, action, due) => Number(psql(
      `INSERT INTO escalation.warning (kind, subject_id, started_at, stage, origin, screen, screen_region, action,
         due_at, region, district, unit_id)
       SELECT 'licence_expired', 900001, '${at}'::timestamptz - interval '8 days 3 hours', ${stage}, 'district',
         '${screen}', '${region}', '${action}', '${at}'::timestamptz - interval '${due}', u.region, '370102', u.id
       FROM escalation.unit u WHERE u.name = '历下泉润加油站' RETURNING id`));
    const l3 = handWarning(3, 'city', '370100', 'circulate', '2 days 3 hours');
    const l1 = handWarning(1, 'district', '370102', 'supervise', '8 days 3 hours');
    psql('NOTIFY escalation_warning');
    const licenceRow = '#warnings li[data-unit="历下泉润加油站"]';
    let ltext;
    try {
      await district.waitForSelector(licenceRow, { timeout: 5000 });
      await district.waitForSelector(`#warnings li[data-warning-id="${l3}"]`, { timeout: 3000 });
    } catch (e) { /* not shown, or shown at another stage */ }
    ltext = await district.textContent(licenceRow).catch(() => '');
    ok(l1 > l3 && (await district.getAttribute(licenceRow, 'data-warning-id').catch(() => null)) === String(l3) &&
      /第三阶段/.test(ltext) && /已升级至市级/.test(ltext) && (await district.$$(licenceRow)).length === 1,
      'stage 3 raised before stage 1: the district page shows the item once, at stage 3, marked 已升级至市级', ltext);
    ok(/^8天/.test(await district.textContent(licenceRow + ' .c-overdue').catch(() => '')),
      'its overdue time counts from stage 1 (8 days), not from stage 3 (2 days)',
      await district.textContent(licenceRow + ' .c-overdue').catch(() => ''));
    const resolveHand = (id) => psql(`UPDATE escalation.warning SET resolved_at = now(), resolved_reason = 'renewed',
      resolved_seq = nextval('escalation.warning_event_seq') WHERE id = ${id}; NOTIFY escalation_warning`);
    resolveHand(l3);
    let fellBack = false;
    try {
      await district.waitForSelector(`#warnings li[data-warning-id="${l1}"]`, { timeout: 5000 });
      fellBack = /第一阶段/.test(await district.textContent(licenceRow)) &&
        !/已升级至市级/.test(await district.textContent(licenceRow));
    } catch (e) { /* not shown */ }
    ok(fellBack, 'stage 3 resolved, stage 1 still active: the row falls back to stage 1 on the district screen');
    resolveHand(l1);
    let licenceGone = false;
    try {
      await district.waitForSelector(licenceRow, { state: 'detached', timeout: 5000 });
      licenceGone = true;
    } catch (e) { /* still there */ }
    ok(licenceGone, 'the last active warning resolved: the item leaves the page');
    await page.waitForSelector(`#warnings li[data-warning-id="${e2}"]`, { timeout: 2000 });

    // The command centre works the escalated warning: each step changes its
    // state on the city page and on the district page that keeps the item.
    const stateOf = async (pg) => pg.getAttribute(`#warnings li[data-warning-id="${e2}"] .tag-state`, 'data-state').catch(() => null);
    const bothShow = async (state) => {
      const deadline = Date.now() + 3000;
      while (Date.now() < deadline) {
        if (await stateOf(page) === state && await stateOf(district) === state) return true;
        await sleep(100);
      }
      return false;
    };
    ok(await bothShow('raised'), 'both pages show the escalated warning as 未签收');
    const steps = [
      ['signed', `SELECT escalation.warning_sign(${e2}, '市应急指挥中心已签收')`],
      ['dispatched', `SELECT escalation.warning_dispatch(${e2}, note => '请历下区应急管理局三日内反馈')`],
      ['answered', `SELECT escalation.warning_feedback(${e2}, '已责令停业整改')`],
      ['returned', `SELECT escalation.warning_review(${e2}, false, '未附整改照片')`],
    ];
    for (const [state, sql] of steps) {
      psql(sql);
      ok(await bothShow(state), `after the step, the city and the district pages show the warning as ${state}`,
        `city: ${await stateOf(page)}, district: ${await stateOf(district)}`);
    }
    ok(/已退回/.test(await district.textContent(`#warnings li[data-warning-id="${e2}"]`, { timeout: 3000 }).catch(() => '')),
      'in Chinese: 已退回');
    await district.screenshot({ path: path.join(env.OUT, '65_browser.handling.png') });

    // Notifications: a raising tells the addressee's liaison through a 企业微信
    // robot and by e-mail; the row counts them, naming nobody, and follows
    // each delivery the sender records as it happens.
    psql(`INSERT INTO escalation.notification_channel (name, kind, endpoint) VALUES
            ('市应急局值班群', 'wecom', 'http://127.0.0.1:9/wecom'), ('预警邮箱', 'email', 'smtp://127.0.0.1:9');
          INSERT INTO escalation.person (department_id, name, title, mobile, email)
            SELECT id, '钱联络', '科员', '13800000065', 'qian@example.cn' FROM escalation.department WHERE name = '济南市应急管理局';
          INSERT INTO escalation.duty (department_id, person_id, role, period)
            SELECT p.department_id, p.id, 'liaison', daterange(current_date - 1, NULL) FROM escalation.person p WHERE p.name = '钱联络'`);
    const told = addHazard('济南泉城化工有限公司', '济南市应急管理局', '2 hours');
    psql('SELECT escalation.run()');
    const toldRow = `#warnings li[data-warning-id="${warningId(told, 1)}"]`;
    const lineOf = () => page.textContent(toldRow + ' .c-notified', { timeout: 500 }).catch(() => '');
    const lineShows = async (re) => {
      const deadline = Date.now() + 3000;
      while (Date.now() < deadline) {
        if (re.test(await lineOf())) return true;
        await sleep(100);
      }
      return false;
    };
    ok(await lineShows(/^已通知 2（企业微信 1 · 电子邮件 1） · 待发送 2$/),
      'the row says how many were told, by kind of channel, none delivered yet: 已通知 2（企业微信 1 · 电子邮件 1） · 待发送 2',
      await lineOf());
    const claimed = psql(`SELECT string_agg(id::text, ',' ORDER BY id) FROM escalation.notification_claim('65-browser', 10)`).split(',');
    psql(`SELECT escalation.notification_result(${claimed[0]}, true, '{"errcode":0}')`);
    ok(claimed.length === 2 && await lineShows(/ · 待发送 1 · 送达 1 · 最近送达 \d\d\/\d\d \d\d:\d\d$/),
      'a delivery recorded by the sender shows within 3 s: 待发送 1 · 送达 1, with the time of the last delivery', await lineOf());
    psql(`SELECT escalation.notification_result(${claimed[1]}, true, '250 OK')`);
    ok(await lineShows(/^已通知 2（企业微信 1 · 电子邮件 1） · 送达 2 · 最近送达 /), 'and the second: 送达 2', await lineOf());
    ok(!/钱联络|13800000065|qian@example\.cn|值班群|预警邮箱/.test(await page.textContent(toldRow).catch(() => '')),
      'the row names no person, address or channel');
    await page.screenshot({ path: path.join(env.OUT, '65_browser.notified.png') });

    // The worker goes away: a banner; it comes back: a silent resume with what was missed.
    const port = worker.port;
    ok(await stopWorker(worker) === 0, 'the worker stops on SIGTERM with exit status 0');
    let banner = false;
    try {
      await page.waitForSelector('#banner', { state: 'visible', timeout: 5000 });
      banner = true;
    } catch (e) { /* no banner */ }
    ok(banner && /连接中断，正在重连/.test(await page.textContent('#banner')),
      'the page shows 连接中断，正在重连… when the connection drops');
    await page.screenshot({ path: path.join(env.OUT, '65_browser.disconnected.png') });
    const missed = addHazard('济南趵突泉食品有限公司', '济南市应急管理局', '1 hour');
    psql('SELECT escalation.run()');
    const m1 = warningId(missed, 1);
    worker = await startWorker(port, '65_browser.worker2.log');
    let resumed = false;
    try {
      await page.waitForSelector('#banner', { state: 'hidden', timeout: 10000 });
      await page.waitForSelector(`#warnings li[data-warning-id="${m1}"]`, { timeout: 5000 });
      resumed = true;
    } catch (e) { /* not resumed */ }
    ok(resumed, 'when the worker is back the banner goes and the warning raised meanwhile appears');
    ok((await page.$$(`#warnings li[data-warning-id="${e2}"]`)).length === 1,
      'the resume does not duplicate what the page already had');
    await page.screenshot({ path: path.join(env.OUT, '65_browser.resumed.png') });

    ok(foreign.length === 0, 'the page loads nothing from anywhere but the worker', foreign.join('\n'));
    ok(consoleErrors.filter((m) => !/ERR_CONNECTION_REFUSED|Failed to load resource|EventSource/.test(m)).length === 0,
      'no script errors in the console', consoleErrors.join('\n'));
  } finally {
    await browser.close();
    await stopWorker(worker);
  }
}

main().catch((e) => ok(false, 'the test ran to the end', e.stack)).finally(() => {
  console.log('1..' + count);
  process.exit(failures ? 1 : 0);
});
