/*
 * documents.c — the printable documents as HTML: a supervision order (督办单)
 * and a circular (通报) in the form of a Chinese official document (red
 * header with the issuing office and the document number, title, addressee,
 * body, issuing office and date), and a screen's list of them.
 *
 * The database composes every word that depends on the rules (titles, the
 * required measures, the ladder's history, dates in Chinese form); these
 * functions only lay the rows out. Every value read from a row is escaped.
 * Nothing here depends on the HTTP library, so the fuzzer can link it.
 */
#include <string.h>

#include "worker.h"

/* The value of a named column of a row, "" when NULL or absent. */
static const char *
Field(const PGresult *res, int row, const char *name)
{
	int			col = PQfnumber(res, name);

	if (col < 0 || row >= PQntuples(res) || PQgetisnull(res, row, col))
		return "";
	return PQgetvalue(res, row, col);
}

/* Append a named column's value, escaped. */
static void
AppendField(Buf *html, const PGresult *res, int row, const char *name)
{
	BufAppendHtml(html, Field(res, row, name));
}

/* The path of a screen's list: "/documents/city" or "/documents/<district>". */
static void
AppendListPath(Buf *html, const char *screen)
{
	BufAppendStr(html, "/documents/");
	BufAppendHtml(html, screen);
}

/* The page's head, the toolbar (not printed), and the start of the A4 sheet. */
static void
AppendDocumentHead(Buf *html, const PGresult *res)
{
	BufAppendStr(html, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
	AppendField(html, res, 0, "number");
	BufAppendStr(html, " ");
	AppendField(html, res, 0, "title");
	BufAppendStr(html, "</title>\n<link rel=\"icon\" href=\"/static/favicon.svg\" type=\"image/svg+xml\">\n"
				 "<link rel=\"stylesheet\" href=\"/static/document.css\">\n</head>\n<body class=\"document\">\n"
				 "<nav class=\"toolbar\"><a href=\"");
	AppendListPath(html, Field(res, 0, "list_screen"));
	BufAppendStr(html, "\">返回督办单与通报列表</a><span>打印本页即得 A4 公文</span></nav>\n"
				 "<article class=\"sheet\">\n<header class=\"red-head\">\n<div class=\"office\">");
	AppendField(html, res, 0, "issuer_name");
	BufAppendStr(html, "</div>\n<div class=\"doc-number\" id=\"doc-number\">");
	AppendField(html, res, 0, "number");
	BufAppendStr(html, "</div>\n<div class=\"red-rule\"></div>\n</header>\n<h1 class=\"doc-title\" id=\"doc-title\">");
	AppendField(html, res, 0, "title");
	BufAppendStr(html, "</h1>\n<p class=\"addressee\">");
	AppendField(html, res, 0, "addressee_name");
	BufAppendStr(html, "：</p>\n");
}

/* The issuing office and the date (成文日期), then the end of the page. */
static void
AppendDocumentTail(Buf *html, const PGresult *res)
{
	BufAppendStr(html, "<div class=\"signature\"><div class=\"sign-block\">\n<div>");
	AppendField(html, res, 0, "issuer_name");
	BufAppendStr(html, "</div>\n<div id=\"issued-on\">");
	AppendField(html, res, 0, "issued_on");
	BufAppendStr(html, "</div>\n</div></div>\n</article>\n</body>\n</html>\n");
}

/* One row of a two-column table of an item's facts; skipped when empty. */
static void
AppendFact(Buf *html, const char *label, const char *value)
{
	if (*value == '\0')
		return;
	BufAppendStr(html, "<tr><th>");
	BufAppendStr(html, label);
	BufAppendStr(html, "</th><td>");
	BufAppendHtml(html, value);
	BufAppendStr(html, "</td></tr>\n");
}

/*
 * A supervision order from the one row of escalation.order_document():
 * the item as issued, how long it was overdue, the ladder's history, the
 * reply deadline and the required measures, and the reply once it came.
 */
void
OrderHtml(Buf *html, const PGresult *res)
{
	AppendDocumentHead(html, res);
	BufAppendStr(html, "<div class=\"body\">\n<p>");
	AppendField(html, res, 0, "opening");
	BufAppendStr(html, "</p>\n<table class=\"facts\">\n");
	AppendFact(html, "督办事项", Field(res, 0, "items"));
	AppendFact(html, "生产经营单位", Field(res, 0, "unit_name"));
	AppendFact(html, "所在区县", Field(res, 0, "district_name"));
	AppendFact(html, "街道/镇", Field(res, 0, "street_name"));
	AppendFact(html, "发现/移交部门", Field(res, 0, "department_name"));
	AppendFact(html, "逾期事项", Field(res, 0, "kind_label"));
	AppendFact(html, "逾期时长", Field(res, 0, "overdue_text"));
	AppendFact(html, "预警经过", Field(res, 0, "history"));
	AppendFact(html, "回复期限", Field(res, 0, "reply_due_on"));
	BufAppendStr(html, "</table>\n<p class=\"measures-head\">督办要求：</p>\n<p class=\"measures\">");
	AppendField(html, res, 0, "measures");
	BufAppendStr(html, "</p>\n");
	if (*Field(res, 0, "replied_on") != '\0')
	{
		BufAppendStr(html, "<p class=\"reply\">回复情况（");
		AppendField(html, res, 0, "replied_on");
		BufAppendStr(html, "）：");
		AppendField(html, res, 0, "reply");
		BufAppendStr(html, "</p>\n");
	}
	BufAppendStr(html, "</div>\n");
	AppendDocumentTail(html, res);
}

/*
 * A circular from the rows of escalation.circular_document(): one per item,
 * in the order of districts and departments, each carrying the document's
 * own columns; a circular without items has one row whose item columns are
 * NULL.
 */
void
CircularHtml(Buf *html, const PGresult *res)
{
	const char *last_district = NULL;
	int			items = 0;

	AppendDocumentHead(html, res);
	BufAppendStr(html, "<div class=\"body\">\n<p>");
	AppendField(html, res, 0, "opening");
	BufAppendStr(html, "</p>\n");
	for (int row = 0; row < PQntuples(res); row++)
	{
		const char *district = Field(res, row, "district_name");

		if (*Field(res, row, "item_no") == '\0')
			continue;
		if (last_district == NULL || strcmp(district, last_district) != 0)
		{
			if (last_district != NULL)
				BufAppendStr(html, "</tbody></table>\n");
			BufAppendStr(html, "<h2 class=\"district\">");
			BufAppendHtml(html, *district ? district : "未划定区县");
			BufAppendStr(html, "</h2>\n<table class=\"items\"><colgroup><col class=\"no\"><col class=\"department\">"
						 "<col class=\"item\"><col class=\"kind\"><col class=\"overdue\"><col class=\"history\"></colgroup>\n"
						 "<thead><tr><th>序号</th><th>责任部门</th><th>通报事项</th><th>事由</th><th>逾期时长</th>"
						 "<th>预警经过</th></tr></thead><tbody>\n");
			last_district = district;
		}
		BufAppendStr(html, "<tr><td class=\"no\">");
		AppendField(html, res, row, "item_no");
		BufAppendStr(html, "</td><td>");
		AppendField(html, res, row, "department_name");
		BufAppendStr(html, "</td><td>");
		AppendField(html, res, row, "item");
		BufAppendStr(html, "</td><td>");
		AppendField(html, res, row, "kind_label");
		BufAppendStr(html, "</td><td>");
		AppendField(html, res, row, "overdue_text");
		BufAppendStr(html, "</td><td class=\"history\">");
		AppendField(html, res, row, "history");
		BufAppendStr(html, "</td></tr>\n");
		items++;
	}
	if (items > 0)
		BufAppendStr(html, "</tbody></table>\n");
	BufAppendStr(html, "<p>");
	AppendField(html, res, 0, "closing");
	BufAppendStr(html, "</p>\n</div>\n");
	AppendDocumentTail(html, res);
}

/*
 * A screen's list of documents from escalation.screen_documents(): each
 * links its printable page. title is the page's title, escaped here.
 */
void
DocumentListHtml(Buf *html, const char *title, const char *screen_path, const PGresult *res)
{
	BufAppendStr(html, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
				 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
	BufAppendHtml(html, title);
	BufAppendStr(html, "</title>\n<link rel=\"icon\" href=\"/static/favicon.svg\" type=\"image/svg+xml\">\n"
				 "<link rel=\"stylesheet\" href=\"/static/document.css\">\n</head>\n<body class=\"document-list\">\n"
				 "<header><h1>");
	BufAppendHtml(html, title);
	BufAppendStr(html, "</h1><a href=\"/screen/");
	BufAppendHtml(html, screen_path);
	BufAppendStr(html, "\">返回大屏</a></header>\n<main>\n");
	if (PQntuples(res) == 0)
	{
		BufAppendStr(html, "<p class=\"empty\" id=\"no-documents\">暂无督办单或通报。</p>\n</main>\n</body>\n</html>\n");
		return;
	}
	BufAppendStr(html, "<table class=\"list\" id=\"documents\">\n<thead><tr><th>文种</th><th>文号</th><th>标题</th>"
				 "<th>主送</th><th>成文日期</th><th>回复期限</th><th>办理情况</th></tr></thead>\n<tbody>\n");
	for (int row = 0; row < PQntuples(res); row++)
	{
		const char *kind = Field(res, row, "kind");
		bool		is_order = strcmp(kind, "order") == 0;

		BufAppendStr(html, "<tr><td>");
		BufAppendStr(html, is_order ? "督办单" : "通报");
		BufAppendStr(html, "</td><td><a href=\"");
		BufAppendStr(html, is_order ? "/order/" : "/circular/");
		AppendField(html, res, row, "id");
		BufAppendStr(html, "\">");
		AppendField(html, res, row, "number");
		BufAppendStr(html, "</a></td><td>");
		AppendField(html, res, row, "title");
		BufAppendStr(html, "</td><td>");
		AppendField(html, res, row, "addressee_name");
		BufAppendStr(html, "</td><td>");
		AppendField(html, res, row, "issued_on");
		BufAppendStr(html, "</td><td>");
		AppendField(html, res, row, "reply_due_on");
		BufAppendStr(html, "</td><td>");
		AppendField(html, res, row, "state_label");
		BufAppendStr(html, "</td></tr>\n");
	}
	BufAppendStr(html, "</tbody>\n</table>\n</main>\n</body>\n</html>\n");
}
