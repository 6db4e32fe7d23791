/*
 * documents.c — the printable documents as HTML: a supervision order (督办单)
 * and a circular (通报) in the form of a Chinese official document (red
 * header with the issuing office and the document number, title, addressee,
 * body, issuing office and date), and a screen's list of them.
 *
 * The database composes every word that depends on the records (titles,
 * items, measures, the ladder's history, dates in Chinese form:
 * sql/parts/62_document_pages.sql); these functions lay the rows out with
 * the document's fixed sentences. Every value read from a row is escaped.
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

/* Whom a circular is addressed to: every district's office and the city's departments. */
#define CIRCULAR_ADDRESSEES "各区县（功能区）安委会办公室、市安委会有关成员单位"

/*
 * The page's head, the toolbar (not printed: a way back, and a note when the
 * document was corrected), and the start of the A4 sheet up to the
 * addressee (主送).
 */
static void
AppendDocumentHead(Buf *html, const PGresult *res, const char *addressee)
{
	BufAppendStr(html, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
	AppendField(html, res, 0, "number");
	BufAppendStr(html, " ");
	AppendField(html, res, 0, "title");
	BufAppendStr(html, "</title>\n<link rel=\"icon\" href=\"/static/favicon.svg\" type=\"image/svg+xml\">\n"
				 "<link rel=\"stylesheet\" href=\"/static/document.css\">\n</head>\n<body class=\"document\">\n"
				 "<nav class=\"toolbar\"><a href=\"/\">返回大屏列表</a>");
	if (*Field(res, 0, "corrected_by_number") != '\0')
	{
		BufAppendStr(html, "<span class=\"corrected\">本通报已由");
		AppendField(html, res, 0, "corrected_by_number");
		BufAppendStr(html, "更正</span>");
	}
	BufAppendStr(html, "<span>打印本页即得 A4 公文</span></nav>\n"
				 "<article class=\"sheet\">\n<header class=\"red-head\">\n<div class=\"office\">");
	AppendField(html, res, 0, "issuing_office_name");
	BufAppendStr(html, "</div>\n<div class=\"doc-number\" id=\"doc-number\">");
	AppendField(html, res, 0, "number");
	BufAppendStr(html, "</div>\n<div class=\"red-rule\"></div>\n</header>\n<h1 class=\"doc-title\" id=\"doc-title\">");
	AppendField(html, res, 0, "title");
	BufAppendStr(html, "</h1>\n<p class=\"addressee\">");
	BufAppendHtml(html, addressee);
	BufAppendStr(html, "：</p>\n");
}

/* The issuing office and the date (成文日期), then the end of the page. */
static void
AppendDocumentTail(Buf *html, const PGresult *res)
{
	BufAppendStr(html, "<div class=\"signature\"><div class=\"sign-block\">\n<div>");
	AppendField(html, res, 0, "issuing_office_name");
	BufAppendStr(html, "</div>\n<div id=\"issued-on\">");
	AppendField(html, res, 0, "issued_date");
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
 * A supervision order from the one row of escalation.supervision_order_page():
 * the item as issued, its unit, district, kind and stage, the reply deadline
 * and the measures required, and the reply once it came.
 */
void
OrderHtml(Buf *html, const PGresult *res)
{
	AppendDocumentHead(html, res, Field(res, 0, "addressee_name"));
	BufAppendStr(html, "<div class=\"body\">\n<p>经安全生产综合监管平台预警，下列事项已超过办理期限，经逐级提醒仍未办理到位。"
				 "依据《济南市安全生产综合监管平台运行管理制度（暂行）》有关规定，现予督办。</p>\n<table class=\"facts\">\n");
	AppendFact(html, "督办事项", Field(res, 0, "items"));
	AppendFact(html, "生产经营单位", Field(res, 0, "unit_name"));
	AppendFact(html, "所在区县", Field(res, 0, "district_name"));
	AppendFact(html, "逾期事项", Field(res, 0, "kind_label"));
	if (*Field(res, 0, "stage") != '\0')
	{
		BufAppendStr(html, "<tr><th>预警阶段</th><td>第");
		AppendField(html, res, 0, "stage");
		BufAppendStr(html, "阶段，");
		AppendField(html, res, 0, "issuing_level_label");
		BufAppendStr(html, "督办</td></tr>\n");
	}
	AppendFact(html, "回复期限", Field(res, 0, "reply_due_text"));
	AppendFact(html, "办理情况", Field(res, 0, "state_label"));
	BufAppendStr(html, "</table>\n<p class=\"measures-head\">工作要求：</p>\n<p class=\"measures\">");
	AppendField(html, res, 0, "measures");
	BufAppendStr(html, "</p>\n");
	if (*Field(res, 0, "replied_date") != '\0')
	{
		BufAppendStr(html, "<p class=\"reply\">回复情况（");
		AppendField(html, res, 0, "replied_date");
		BufAppendStr(html, "）：");
		AppendField(html, res, 0, "reply");
		BufAppendStr(html, "</p>\n");
	}
	BufAppendStr(html, "</div>\n");
	AppendDocumentTail(html, res);
}

/*
 * A circular from its head (the one row of escalation.circular_page()) and
 * its items (escalation.circular_page_items(), in print order, grouped by
 * district): a table per district.
 */
void
CircularHtml(Buf *html, const PGresult *head, const PGresult *items)
{
	const char *last_district = NULL;

	AppendDocumentHead(html, head, CIRCULAR_ADDRESSEES);
	BufAppendStr(html, "<div class=\"body\">\n<p>");
	AppendField(html, head, 0, "body");
	BufAppendStr(html, "</p>\n");
	for (int row = 0; row < PQntuples(items); row++)
	{
		const char *district = Field(items, row, "district_name");

		if (last_district == NULL || strcmp(district, last_district) != 0)
		{
			if (last_district != NULL)
				BufAppendStr(html, "</tbody></table>\n");
			BufAppendStr(html, "<h2 class=\"district\">");
			BufAppendHtml(html, district);
			BufAppendStr(html, "</h2>\n<table class=\"items\"><colgroup><col class=\"no\"><col class=\"department\">"
						 "<col class=\"item\"><col class=\"kind\"><col class=\"overdue\"><col class=\"history\"></colgroup>\n"
						 "<thead><tr><th>序号</th><th>责任部门</th><th>通报事项</th><th>事由</th><th>逾期情况</th>"
						 "<th>预警经过</th></tr></thead><tbody>\n");
			last_district = district;
		}
		BufAppendStr(html, "<tr><td class=\"no\">");
		AppendField(html, items, row, "item_no");
		BufAppendStr(html, "</td><td>");
		AppendField(html, items, row, "department_name");
		BufAppendStr(html, "</td><td>");
		AppendField(html, items, row, "item");
		BufAppendStr(html, "</td><td>");
		AppendField(html, items, row, "reason_label");
		BufAppendStr(html, "</td><td>");
		AppendField(html, items, row, "overdue_text");
		BufAppendStr(html, "<br>");
		AppendField(html, items, row, "handled_text");
		BufAppendStr(html, "</td><td class=\"history\">");
		AppendField(html, items, row, "ladder");
		BufAppendStr(html, "</td></tr>\n");
	}
	if (last_district != NULL)
		BufAppendStr(html, "</tbody></table>\n");
	BufAppendStr(html, "<p>请各区县（功能区）、各有关部门对照通报事项，立即督促整改到位，举一反三，"
				 "严防类似问题发生。</p>\n</div>\n");
	AppendDocumentTail(html, head);
}

/*
 * A screen's list of documents from escalation.document_list(): each links
 * its printable page. title is the page's title, escaped here.
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
				 "<th>发文机关</th><th>主送</th><th>成文日期</th><th>办理情况</th></tr></thead>\n<tbody>\n");
	for (int row = 0; row < PQntuples(res); row++)
	{
		const char *kind = Field(res, row, "document");
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
		AppendField(html, res, row, "issuing_office_name");
		BufAppendStr(html, "</td><td>");
		AppendField(html, res, row, "addressee_name");
		BufAppendStr(html, "</td><td>");
		AppendField(html, res, row, "issued_date");
		BufAppendStr(html, "</td><td>");
		AppendField(html, res, row, "state_label");
		BufAppendStr(html, "</td></tr>\n");
	}
	BufAppendStr(html, "</tbody>\n</table>\n</main>\n</body>\n</html>\n");
}
