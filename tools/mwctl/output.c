// SPDX-License-Identifier: GPL-2.0
/*
 * mwctl: printing objects as text lines or JSON (cJSON).
 *
 * Text: an object is a line of words, added one printf() at a time and
 * joined by single spaces. JSON: an object is a cJSON object, appended to
 * the open list or printed at once on one line.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "mwctl.h"

#define OUT_NEST_MAX	4

static struct {
	cJSON		*list;		/* the open list, or NULL */
	cJSON		*obj;		/* the open object, or nest in it */
	cJSON		*nest[OUT_NEST_MAX];	/* the objects out.obj is in */
	unsigned int	depth;
	char		*line;		/* text of the open object */
	size_t		len;
	size_t		cap;
	const char	*indent;
	const char	*cont;		/* after out_newline(): its indent */
} out = {
	.indent = "",
	.cont = "",
};

static void line_add(const char *fmt, va_list ap)
{
	size_t sep = out.len ? 1 : 0;
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return;
	if (out.len + sep + n + 1 > out.cap) {
		size_t cap = out.cap ? out.cap : 256;

		while (cap < out.len + sep + n + 1)
			cap *= 2;
		out.line = realloc(out.line, cap);
		if (!out.line)
			oom();
		out.cap = cap;
	}
	if (sep)
		out.line[out.len] = ' ';
	vsnprintf(out.line + out.len + sep, n + 1, fmt, ap);
	out.len += sep + n;
}

static void text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void text(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	line_add(fmt, ap);
	va_end(ap);
}

static cJSON *checked(cJSON *item)
{
	if (!item)
		oom();
	return item;
}

void out_list_begin(void)
{
	if (opt_json)
		out.list = checked(cJSON_CreateArray());
}

static void json_print(cJSON *item, bool pretty)
{
	char *s = pretty ? cJSON_Print(item) : cJSON_PrintUnformatted(item);

	if (!s)
		oom();
	puts(s);
	free(s);
}

void out_list_end(void)
{
	if (!opt_json)
		return;
	json_print(out.list, opt_pretty);
	cJSON_Delete(out.list);
	out.list = NULL;
}

void out_obj_begin(void)
{
	if (opt_json)
		out.obj = checked(cJSON_CreateObject());
	out.depth = 0;
	out.len = 0;
	out.cont = "";
}

/* Print the text line of the open object, as far as it goes. */
static void line_print(void)
{
	printf("%s%s%.*s\n", out.indent, out.cont, (int)out.len,
	       out.len ? out.line : "");
}

void out_obj_end(void)
{
	if (opt_json) {
		while (out.depth)
			out_nest_end();
		if (out.list) {
			cJSON_AddItemToArray(out.list, out.obj);
		} else {
			/* A stream: one object per line, whatever -p says. */
			json_print(out.obj, false);
			cJSON_Delete(out.obj);
			fflush(stdout);
		}
		out.obj = NULL;
		return;
	}
	line_print();
	out.len = 0;
	out.cont = "";
	if (!out.list)
		fflush(stdout);
}

void out_newline(const char *indent)
{
	if (opt_json)
		return;
	line_print();
	out.len = 0;
	out.cont = indent ? indent : "";
}

void out_nest_begin(const char *key)
{
	cJSON *nest;

	if (!opt_json)
		return;
	if (out.depth == OUT_NEST_MAX)
		abort();
	nest = checked(cJSON_AddObjectToObject(out.obj, key));
	out.nest[out.depth++] = out.obj;
	out.obj = nest;
}

void out_nest_end(void)
{
	if (opt_json && out.depth)
		out.obj = out.nest[--out.depth];
}

void out_indent(const char *prefix)
{
	out.indent = prefix ? prefix : "";
}

void out_heading(const char *fmt, ...)
{
	va_list ap;

	if (opt_json)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

void out_text(const char *fmt, ...)
{
	va_list ap;

	if (opt_json)
		return;
	va_start(ap, fmt);
	line_add(fmt, ap);
	va_end(ap);
}

void out_str(const char *key, const char *fmt, const char *val)
{
	if (opt_json) {
		if (key)
			checked(cJSON_AddStringToObject(out.obj, key, val));
	} else if (fmt) {
		text(fmt, val);
	}
}

void out_uint(const char *key, const char *fmt, unsigned long val)
{
	if (opt_json) {
		if (key)
			checked(cJSON_AddNumberToObject(out.obj, key, val));
	} else if (fmt) {
		text(fmt, val);
	}
}

void out_u64(const char *key, const char *fmt, uint64_t val)
{
	char num[24];

	if (opt_json) {
		/* Exact, where a cJSON number (a double) is not above 2^53. */
		if (key) {
			snprintf(num, sizeof(num), "%" PRIu64, val);
			checked(cJSON_AddRawToObject(out.obj, key, num));
		}
	} else if (fmt) {
		text(fmt, val);
	}
}

void out_bool(const char *key, const char *text_true, const char *text_false,
	      bool val)
{
	const char *t = val ? text_true : text_false;

	if (opt_json) {
		if (key)
			checked(cJSON_AddBoolToObject(out.obj, key, val));
	} else if (t) {
		text("%s", t);
	}
}
