// SPDX-License-Identifier: GPL-2.0
/*
 * mwtopo: errors, walking the command line, parsing its values. Every
 * parser names the argument at fault, quoted as given.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "mwtopo.h"

static void vmsg(const char *what, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", what);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("Error", fmt, ap);
	va_end(ap);
	return -1;
}

int usage_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("Error", fmt, ap);
	va_end(ap);
	return ERR_USAGE;
}

void warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("Warning", fmt, ap);
	va_end(ap);
}

void oom(void)
{
	fputs("Error: out of memory\n", stderr);
	exit(1);
}

const char *cl_peek(const struct cmdline *c)
{
	return c->argc > 0 ? c->argv[0] : NULL;
}

const char *cl_next(struct cmdline *c)
{
	if (c->argc <= 0)
		return NULL;
	c->argc--;
	return *c->argv++;
}

const char *cl_value(struct cmdline *c, const char *kw)
{
	const char *v = cl_next(c);

	if (!v)
		usage_err("\"%s\" needs a value", kw);
	return v;
}

bool is(const char *arg, const char *word)
{
	return !strcmp(arg, word);
}

int bad_arg(const struct cmdline *c, const char *arg)
{
	return usage_err("unknown argument \"%s\" (try \"mwtopo %s help\")",
			 arg, c->object);
}

int bad_cmd(const struct cmdline *c, const char *cmd)
{
	return usage_err("unknown command \"%s\" (try \"mwtopo %s help\")",
			 cmd, c->object);
}

int parse_name(const char *kw, const char *s, const char **name)
{
	if (!*s)
		return usage_err("empty %s", kw);
	if (strlen(s) >= TOPO_NAME_MAX)
		return usage_err("%s \"%s\" too long (at most %d bytes)", kw,
				 s, TOPO_NAME_MAX - 1);
	/* "/" qualifies a port by its router; "," separates lists. */
	if (strpbrk(s, "/, \t\n"))
		return usage_err("%s \"%s\" has a '/', ',' or a space", kw, s);
	*name = s;
	return 0;
}

int parse_uuid(const char *kw, const char *s, struct mwnl_uuid *id)
{
	if (mwnl_uuid_parse(s, id))
		return usage_err("invalid %s \"%s\" (a uuid: xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)",
				 kw, s);
	return 0;
}

int parse_addr(const char *kw, const char *s, uint32_t *addr)
{
	if (mwnl_addr_parse(s, addr))
		return usage_err("invalid %s \"%s\" (an IPv4 address A.B.C.D)",
				 kw, s);
	return 0;
}

int parse_prefix(const char *kw, const char *s, uint32_t *addr, uint8_t *len)
{
	int ret;

	if (is(s, "default")) {
		*addr = 0;
		*len = 0;
		return 0;
	}
	ret = mwnl_prefix_parse(s, addr, len);
	if (ret == -ERANGE)
		return usage_err("invalid %s \"%s\" (bits set beyond /%u)", kw,
				 s, *len);
	if (ret)
		return usage_err("invalid %s \"%s\" (a prefix A.B.C.D/LEN)", kw,
				 s);
	return 0;
}

int parse_ifaddr(const char *kw, const char *s, uint32_t *addr, uint8_t *len)
{
	int ret = mwnl_prefix_parse(s, addr, len);

	if ((ret && ret != -ERANGE) || !strchr(s, '/'))
		return usage_err("invalid %s \"%s\" (A.B.C.D/LEN)", kw, s);
	if (*len < 32 && *len > 0 && *len <= 30) {
		uint32_t h = ntohl(*addr) & ~prefix_mask(*len);

		if (!h || h == ~prefix_mask(*len))
			return usage_err("invalid %s \"%s\" (the subnet's network or broadcast address)",
					 kw, s);
	}
	return 0;
}

int parse_mac(const char *kw, const char *s, uint8_t mac[6])
{
	if (mwnl_mac_parse(s, mac))
		return usage_err("invalid %s \"%s\" (xx:xx:xx:xx:xx:xx)", kw,
				 s);
	if (mac[0] & 1)
		return usage_err("invalid %s \"%s\" (a multicast address)", kw,
				 s);
	if (!(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]))
		return usage_err("invalid %s \"%s\" (all zeros)", kw, s);
	return 0;
}

int parse_u32(const char *kw, const char *s, uint32_t min, uint32_t max,
	      uint32_t *val)
{
	if (mwnl_u32_parse(s, min, max, val))
		return usage_err("invalid %s \"%s\" (%u..%u)", kw, s, min, max);
	return 0;
}

int parse_ifname(const char *kw, const char *s, const char **name)
{
	if (!*s || strlen(s) >= IF_NAMESIZE || strchr(s, '/') ||
	    strpbrk(s, " \t\n:,") || is(s, ".") || is(s, ".."))
		return usage_err("invalid %s \"%s\" (a device name)", kw, s);
	*name = s;
	return 0;
}

int parse_updown(const char *kw, const char *s, bool *up)
{
	if (is(s, "up") || is(s, "down")) {
		*up = is(s, "up");
		return 0;
	}
	return usage_err("invalid %s \"%s\" (up or down)", kw, s);
}

int parse_onoff(const char *kw, const char *s, bool *on)
{
	if (is(s, "on") || is(s, "off")) {
		*on = is(s, "on");
		return 0;
	}
	return usage_err("invalid %s \"%s\" (on or off)", kw, s);
}

int new_id(const struct mwnl_uuid *given, struct mwnl_uuid *id)
{
	int ret;

	if (given) {
		*id = *given;
		return 0;
	}
	ret = mwnl_uuid_random(id);
	if (ret)
		return fail("cannot make a random id: %s", strerror(-ret));
	return 0;
}

static void rand_bytes(void *buf, size_t len)
{
	if (getrandom(buf, len, 0) != (ssize_t)len) {
		fprintf(stderr, "Error: getrandom: %s\n", strerror(errno));
		exit(1);
	}
}

uint32_t rand_u32(void)
{
	uint32_t v;

	rand_bytes(&v, sizeof(v));
	return v;
}

int new_mac(uint8_t mac[6])
{
	rand_bytes(mac, 6);
	mac[0] = (mac[0] & 0xfc) | 0x02;	/* local, unicast */
	return 0;
}

#define NBUF	8

static char *rot(void)
{
	static char bufs[NBUF][64];
	static unsigned int i;

	return bufs[i++ % NBUF];
}

const char *uuid_str(const struct mwnl_uuid *id)
{
	return mwnl_uuid_fmt(id, rot());
}

const char *prefix_str(uint32_t addr, uint8_t len)
{
	return mwnl_prefix_fmt(addr, len, rot());
}

const char *addr_str(uint32_t addr)
{
	return mwnl_addr_fmt(addr, rot());
}

uint32_t prefix_mask(uint8_t len)
{
	return len ? ~0u << (32 - len) : 0;
}

bool prefix_contains(uint32_t a, uint8_t alen, uint32_t b, uint8_t blen)
{
	uint32_t m = prefix_mask(alen);

	return blen >= alen && (ntohl(a) & m) == (ntohl(b) & m);
}
