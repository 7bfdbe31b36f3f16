// SPDX-License-Identifier: GPL-2.0
/*
 * mwctl: the netlink handle, error reporting, attribute helpers, arrays.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mwctl.h"

static struct mwnl *nl_handle;

static void close_nl(void)
{
	mwnl_close(nl_handle);
	nl_handle = NULL;
}

struct mwnl *nl_open(void)
{
	struct mwnl *h = mwnl_open();

	if (h)
		return h;
	if (errno == ENOENT)
		fail("the midway module is not loaded (no generic netlink family \"%s\")",
		     MIDWAY_GENL_NAME);
	else
		fail("cannot open a netlink socket: %s", strerror(errno));
	exit(1);
}

struct mwnl *nl(void)
{
	if (!nl_handle) {
		nl_handle = nl_open();
		atexit(close_nl);
	}
	return nl_handle;
}

int fail(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("Error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

int fail_nl(struct mwnl *h)
{
	return fail("%s", mwnl_strerror(h));
}

void oom(void)
{
	fail("%s", strerror(ENOMEM));
	exit(1);
}

struct nl_msg *new_msg(uint8_t cmd, int flags)
{
	struct nl_msg *msg = mwnl_msg(nl(), cmd, flags);

	if (!msg)
		oom();
	return msg;
}

int request(struct nl_msg *msg, mwnl_cb_t cb, void *arg)
{
	struct mwnl *h = nl();
	const struct mwnl_err *e;

	if (mwnl_request(h, msg, cb, arg) < 0)
		return fail_nl(h);
	e = mwnl_error(h);
	if (e->msg[0])
		fprintf(stderr, "Warning: %s\n", e->msg);
	return 0;
}

void put_uuid(struct nl_msg *msg, int type, const struct mwnl_uuid *id)
{
	if (mwnl_put_uuid(msg, type, id) < 0)
		oom();
}

void put_str(struct nl_msg *msg, int type, const char *s)
{
	if (nla_put_string(msg, type, s) < 0)
		oom();
}

void put_u8(struct nl_msg *msg, int type, uint8_t v)
{
	if (nla_put_u8(msg, type, v) < 0)
		oom();
}

void put_u16(struct nl_msg *msg, int type, uint16_t v)
{
	if (nla_put_u16(msg, type, v) < 0)
		oom();
}

void put_u32(struct nl_msg *msg, int type, uint32_t v)
{
	if (nla_put_u32(msg, type, v) < 0)
		oom();
}

void put_flag(struct nl_msg *msg, int type)
{
	if (nla_put_flag(msg, type) < 0)
		oom();
}

uint8_t get_u8(const struct nlattr *a, uint8_t def)
{
	if (!a || nla_len(a) < 1)
		return def;
	return *(const uint8_t *)nla_data(a);
}

uint16_t get_u16(const struct nlattr *a, uint16_t def)
{
	uint16_t v;

	if (!a || nla_len(a) < 2)
		return def;
	memcpy(&v, nla_data(a), sizeof(v));
	return v;
}

uint32_t get_u32(const struct nlattr *a, uint32_t def)
{
	uint32_t v;

	if (!a || nla_len(a) < 4)
		return def;
	memcpy(&v, nla_data(a), sizeof(v));
	return v;
}

uint64_t get_u64(const struct nlattr *a, uint64_t def)
{
	uint64_t v;

	if (!a || nla_len(a) < 8)
		return def;
	memcpy(&v, nla_data(a), sizeof(v));
	return v;
}

void get_str(const struct nlattr *a, char *buf, size_t size)
{
	buf[0] = '\0';
	if (a && nla_len(a) > 0)
		nla_strlcpy(buf, a, size);
}

void *vec_push(struct vec *v)
{
	void *p;

	if (v->n == v->cap) {
		size_t cap = v->cap ? 2 * v->cap : 16;

		p = realloc(v->data, cap * v->size);
		if (!p)
			oom();
		v->data = p;
		v->cap = cap;
	}
	p = (char *)v->data + v->n++ * v->size;
	memset(p, 0, v->size);
	return p;
}

void vec_free(struct vec *v)
{
	free(v->data);
	v->data = NULL;
	v->n = 0;
	v->cap = 0;
}
