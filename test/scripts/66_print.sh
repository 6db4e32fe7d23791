#!/usr/bin/env bash
# 66_print.sh — the printable documents in Debian's Chromium: the engine runs
# over hazards past their ladders and issues supervision orders, a circular
# is issued; each document page prints to a PDF of exactly one A4 page whose
# page 1 holds its number and title, with the red header in red, set in
# Noto Serif CJK (installed, from fonts-noto-cjk); the renders of
# page 1 go to test/out/66_print.*.png (look at them). The lists of the city
# and of a district link exactly their documents; a worker whose role is
# mapped to one district cannot fetch another district's order (404) but
# prints the circulars, which are addressed to every district; malformed ids get 400 and unknown ones 404, with a short
# body that says nothing of the database; every database value is escaped.
# Uses a database and login roles of its own, dropped at the end.
set -euo pipefail
top=${ESCALATION_TOP:?run me through ./check}
. "$top/test/scripts/lib/tap.sh"
db=escalation_print_test
city_role=escalation_print_city
district_role=escalation_print_shizhong
out=$top/test/out
mkdir -p "$out"
work=""
pids=()

q() { psql -qXAt -v ON_ERROR_STOP=1 "$@"; }
cleanup() {
	for p in "${pids[@]+"${pids[@]}"}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "DROP ROLE IF EXISTS $city_role" \
		-c "DROP ROLE IF EXISTS $district_role" >/dev/null 2>&1 || true
	[ -z "$work" ] || rm -rf "$work"
}
trap cleanup EXIT
cleanup
work=$(mktemp -d /tmp/escalation-print.XXXXXX)
chmod 755 "$work"
q -d postgres -c "CREATE DATABASE $db" >/dev/null
qd() { q -d "$db" "$@"; }
qd -c "CREATE EXTENSION escalation" \
	-c "CREATE ROLE $city_role LOGIN IN ROLE escalation_screen" \
	-c "CREATE ROLE $district_role LOGIN IN ROLE escalation_screen" \
	-c "INSERT INTO escalation.user_region (role_name, region, note) VALUES ('$district_role', '370103', '市中区大屏')" >/dev/null

# Two districts, their offices and departments; in each a unit whose general
# hazard was due 20 days ago, so one run climbs its whole ladder. The unit of
# 市中区 has markup and quotes in its name.
qd -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
INSERT INTO escalation.division (code, name) VALUES
  ('370100', '济南市'), ('370102', '历下区'), ('370103', '市中区'), ('370102001', '解放路街道'), ('370103001', '大观园街道')
ON CONFLICT (code) DO NOTHING;
INSERT INTO escalation.department (name, level, region, kind) VALUES
  ('济南市安全生产委员会办公室', 'city', '370100', 'safety_committee_office'),
  ('历下区安全生产委员会办公室', 'district', '370102', 'safety_committee_office'),
  ('市中区安全生产委员会办公室', 'district', '370103', 'safety_committee_office'),
  ('历下区应急管理局', 'district', '370102', 'functional_department'),
  ('市中区应急管理局', 'district', '370103', 'functional_department');
INSERT INTO escalation.document_office (department_id, short_name, region)
SELECT d.id, CASE d.region::text WHEN '370100' THEN '济安办' WHEN '370102' THEN '历下安办' ELSE '市中安办' END, d.region
FROM escalation.department d WHERE d.kind = 'safety_committee_office';
INSERT INTO escalation.unit (name, region, supervision_level) VALUES
  ('历下明湖仓储有限公司', '370102001', 'district'),
  ('市中<b>大观</b>&"食品"有限公司', '370103001', 'district');
INSERT INTO escalation.hazard (unit_id, found_by, found_at, grade, needs_recheck, rectify_deadline)
SELECT u.id, d.id, now() - interval '30 days', 'general', true, now() - interval '20 days'
FROM escalation.unit u
JOIN escalation.department d ON d.region::text = escalation.region_district(u.region)::text AND d.kind = 'functional_department';
SELECT escalation.run();
SELECT escalation.circular_issue(tstzrange(now() - interval '7 days', now()));
SQL

# The documents as the database has them (the superuser sees all).
order_lixia=$(qd -c "SELECT o.id FROM escalation.supervision_order o JOIN escalation.warning w ON w.id = o.warning_id
	WHERE w.district::text = '370102' AND o.issuing_level = 'district' ORDER BY o.id LIMIT 1")
order_shizhong=$(qd -c "SELECT o.id FROM escalation.supervision_order o JOIN escalation.warning w ON w.id = o.warning_id
	WHERE w.district::text = '370103' AND o.issuing_level = 'district' ORDER BY o.id LIMIT 1")
circular=$(qd -c "SELECT max(id) FROM escalation.circular")
ok $([ -n "$order_lixia" ] && [ -n "$order_shizhong" ] && [ -n "$circular" ]; echo $?) \
	"the run issued orders in both districts and a circular was issued (orders $order_lixia, $order_shizhong; circular $circular)"

# start_worker NAME ROLE [OPTION...]: start a worker on a free port; sets $port.
start_worker() {
	local name=$1 role=$2 log=$out/66_print.$1.log i
	shift 2
	"$top/worker/escalation-worker" --port 0 --www "$top/worker/www" --log-level debug "$@" \
		"dbname=$db user=$role" >"$log" 2>&1 &
	pids+=($!)
	for i in $(seq 100); do
		port=$(sed -n 's|.*serving screens on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$log")
		[ -n "$port" ] && curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && return 0
		sleep 0.1
	done
	bail "worker $name did not start: $(tail -5 "$log")"
}
start_worker city "$city_role"
city=http://127.0.0.1:$port
start_worker shizhong "$district_role" --allow-partial-scope
shizhong=http://127.0.0.1:$port

# status URL: the HTTP status of a GET, its body in $work/body.
status() { curl -s -o "$work/body" -w '%{http_code}' "$1"; }

# print_page NAME URL: print the page to $work/NAME.pdf with Chromium and
# render page 1 to test/out/66_print.NAME.png (and a PPM for the colours).
print_page() {
	rm -rf "$work/profile"
	timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
		--disable-component-update --disable-sync --user-data-dir="$work/profile" --no-pdf-header-footer \
		--print-to-pdf="$work/$1.pdf" "$2" >"$out/66_print.$1.chromium.log" 2>&1 || true
	[ -s "$work/$1.pdf" ] || return 1
	pdftoppm -png -r 80 -f 1 -l 1 -singlefile "$work/$1.pdf" "$out/66_print.$1"
	pdftoppm -r 40 -f 1 -l 1 -singlefile "$work/$1.pdf" "$work/$1"
}

# red_share PPM: the share (per mille) of strongly red pixels in the top
# third of the page, and in the rest, as "TOP REST".
red_share() {
	python3 - "$1" <<'PY'
import sys
data = open(sys.argv[1], 'rb').read()
fields, pos = [], 0
while len(fields) < 4:
    while data[pos:pos + 1].isspace():
        pos += 1
    start = pos
    while not data[pos:pos + 1].isspace():
        pos += 1
    fields.append(data[start:pos])
width, height = int(fields[1]), int(fields[2])
pixels = data[pos + 1:]
counts = [[0, 0], [0, 0]]
for y in range(height):
    part = 0 if y < height // 3 else 1
    row = pixels[y * width * 3:(y + 1) * width * 3]
    for x in range(0, width * 3, 3):
        r, g, b = row[x], row[x + 1], row[x + 2]
        counts[part][1] += 1
        if r > 160 and g < 90 and b < 90:
            counts[part][0] += 1
print(" ".join(str(1000 * c[0] // c[1]) for c in counts))
PY
}

# check_document KIND ID NAME FUNCTION: print /KIND/ID and judge the PDF
# against the number and title FUNCTION(ID) gives.
check_document() {
	local kind=$1 id=$2 name=$3 number title pages text red
	IFS='|' read -r number title < <(qd -c "SELECT number, title FROM escalation.$4($id)")
	if ! print_page "$name" "$city/$kind/$id"; then
		ok 1 "$name: Chromium prints /$kind/$id to PDF" "$(tail -5 "$out/66_print.$name.chromium.log")"
		return
	fi
	pages=$(pdfinfo "$work/$name.pdf" | sed -n 's/^Pages: *//p')
	ok $([ "$pages" = 1 ]; echo $?) "$name: /$kind/$id prints to exactly one page ($pages)"
	# pdftotext breaks lines where the page does: compare without white space.
	text=$(pdftotext -f 1 -l 1 "$work/$name.pdf" - | tr -d ' \n\t\f')
	ok $([[ $text == *"$number"* ]] && [[ $text == *"${title// /}"* ]]; echo $?) \
		"$name: page 1 holds the document number $number and the title $title" "$text"
	size=$(pdfinfo "$work/$name.pdf" | sed -n 's/^Page size: *//p')
	ok $([[ $size == "595.92 x 842.88 pts"* || $size == "595 x 842 pts"* || $size == *"(A4)"* ]]; echo $?) \
		"$name: the page is A4 ($size)"
	red=$(red_share "$work/$name.ppm")
	ok $(read -r top rest <<<"$red"; [ "$top" -ge 5 ] && [ "$rest" -le 1 ]; echo $?) \
		"$name: the red header is red at the top of the page and nowhere else (per mille red, top third and rest: $red)"
	echo "# $name: page 1 rendered to test/out/66_print.$name.png"
}

# Chromium embeds its fonts as unnamed Type 3 fonts, so the PDF cannot say
# which face set the text: the face the page asks for must be installed.
face=$(fc-match 'Noto Serif CJK SC:lang=zh-cn' file)
ok $([[ $face == *NotoSerifCJK* ]]; echo $?) "the page's face, Noto Serif CJK SC, is installed (fonts-noto-cjk: $face)"

check_document order "$order_lixia" order supervision_order_page
check_document circular "$circular" circular circular_page

# The lists link exactly their documents.
s=$(status "$city/documents/city")
want=$(qd -c "SELECT string_agg(p, ' ' ORDER BY p) FROM (
	SELECT '/order/' || o.id AS p FROM escalation.supervision_order o WHERE o.issuing_level = 'city'
	UNION ALL SELECT '/circular/' || c.id FROM escalation.circular c) x")
got=$(grep -o 'href="/\(order\|circular\)/[0-9]*"' "$work/body" | sed 's/href="\(.*\)"/\1/' | sort | tr '\n' ' ' | sed 's/ $//')
ok $([ "$s" = 200 ] && [ -n "$want" ] && [ "$got" = "$want" ]; echo $?) \
	"the city's list links every city order and every circular, and nothing else ($got)" "want: $want"
s=$(status "$city/documents/370102")
want=$(qd -c "SELECT string_agg(p, ' ' ORDER BY p) FROM (
	SELECT '/order/' || o.id AS p FROM escalation.supervision_order o WHERE o.issuing_region::text = '370102'
	UNION ALL SELECT '/circular/' || c.id FROM escalation.circular c) x")
got=$(grep -o 'href="/\(order\|circular\)/[0-9]*"' "$work/body" | sed 's/href="\(.*\)"/\1/' | sort | tr '\n' ' ' | sed 's/ $//')
ok $([ "$s" = 200 ] && [ -n "$want" ] && [ "$got" = "$want" ]; echo $?) \
	"历下区's list links the orders of its office and the circulars, and nothing else ($got)" "want: $want"
# The big-screen page, as Chromium builds it, links its screen's list.
rm -rf "$work/profile"
link=$(timeout 60 chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
	--disable-component-update --disable-sync --user-data-dir="$work/profile" \
	--dump-dom "$city/screen/370102" 2>/dev/null | grep -o '<a id="documents-link"[^>]*>' || true)
ok $([[ $link == *'href="/documents/370102"'* ]]; echo $?) "the big-screen page of 历下区 links its list ($link)"

# Scope: a worker whose role is mapped to 市中区.
s1=$(status "$shizhong/order/$order_lixia")
s2=$(status "$shizhong/order/$order_shizhong")
s3=$(status "$shizhong/circular/$circular")
s4=$(status "$shizhong/documents/370102"); body4=$(cat "$work/body")
ok $([ "$s1" = 404 ] && [ "$s2" = 200 ] && [ "$s3" = 200 ] && [ "$s4" = 200 ] && ! grep -q 'href="/order/' <<<"$body4"; echo $?) \
	"a worker mapped to 市中区 gets its own order (200) and the circular (200) but not 历下区's order (404), and 历下区's list shows it no order ($s2, $s3, $s1)"

# Malformed and unknown ids; bodies short and without the database's words.
statuses=() leaks=()
for path in /order/abc /order/0 /order/01 /order/-1 /order/1.5 "/order/1%20" /order/9223372036854775807 \
	/order/ /circular/x /order/1/2 /documents/37010 /documents/abc; do
	s=$(status "$city$path")
	statuses+=("$path=$s")
	if [ "$(wc -c <"$work/body")" -gt 600 ] || grep -qi 'error:\|select\|escalation\.\|postgres\|sqlstate' "$work/body"; then
		leaks+=("$path")
	fi
done
want="/order/abc=400 /order/0=400 /order/01=400 /order/-1=400 /order/1.5=400 /order/1%20=400 /order/9223372036854775807=400 /order/=400 /circular/x=400 /order/1/2=400 /documents/37010=404 /documents/abc=404"
ok $([ "${statuses[*]}" = "$want" ] && [ ${#leaks[@]} -eq 0 ]; echo $?) \
	"malformed document addresses get 400, unknown screens 404, with short bodies naming nothing internal" \
	"got:  ${statuses[*]}
want: $want
leaks: ${leaks[*]-}"
s=$(status "$city/order/999999999")
ok $([ "$s" = 404 ] && grep -q 'not-found' "$work/body"; echo $?) "an unknown order id gets 404 ($s)"

# Every value from the database is escaped.
s=$(status "$city/order/$order_shizhong")
ok $([ "$s" = 200 ] && grep -q '市中&lt;b&gt;大观&lt;/b&gt;&amp;&quot;食品&quot;有限公司' "$work/body" && ! grep -q '<b>大观' "$work/body"; echo $?) \
	"a unit name with markup and quotes is escaped on the order page"

tap_done
