// SPDX-License-Identifier: GPL-2.0
/*
 * mwctl: walking the command line and parsing its values. Every parser names
 * the argument at fault, quoted as given.
 */
#include <errno.h>
#include <net/if.h>
#include <string.h>

#include "mwctl.h"

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
		fail("\"%s\" needs a value", kw);
	return v;
}

bool is(const char *arg, const char *word)
{
	return !strcmp(arg, word);
}

int bad_arg(const struct cmdline *c, const char *arg)
{
	return fail("unknown argument \"%s\" (try \"mwctl %s help\")", arg,
		    c->object);
}

int bad_cmd(const struct cmdline *c, const char *cmd)
{
	return fail("unknown command \"%s\" (try \"mwctl %s help\")", cmd,
		    c->object);
}

int parse_name(const char *s, const char **name)
{
	if (!*s)
		return fail("empty name");
	if (strlen(s) >= MIDWAY_NAME_MAX)
		return fail("name \"%s\" too long (at most %d bytes)", s,
			    MIDWAY_NAME_MAX - 1);
	*name = s;
	return 0;
}

int parse_uuid(const char *kw, const char *s, struct mwnl_uuid *id)
{
	if (mwnl_uuid_parse(s, id))
		return fail("invalid %s \"%s\" (a uuid: xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)",
			    kw, s);
	return 0;
}

int parse_addr(const char *kw, const char *s, uint32_t *addr)
{
	if (mwnl_addr_parse(s, addr))
		return fail("invalid %s \"%s\" (an IPv4 address A.B.C.D)", kw,
			    s);
	return 0;
}

int parse_prefix(const char *s, uint32_t *addr, uint8_t *len)
{
	int ret;

	if (is(s, "default")) {
		*addr = 0;
		*len = 0;
		return 0;
	}
	ret = mwnl_prefix_parse(s, addr, len);
	if (ret == -ERANGE)
		return fail("invalid prefix \"%s\" (bits set beyond /%u)", s,
			    *len);
	if (ret)
		return fail("invalid prefix \"%s\"", s);
	return 0;
}

int parse_ifaddr(const char *s, uint32_t *addr, uint8_t *len)
{
	int ret = mwnl_prefix_parse(s, addr, len);

	if (ret && ret != -ERANGE)
		return fail("invalid address \"%s\" (A.B.C.D/LEN)", s);
	return 0;
}

int parse_mac(const char *s, uint8_t mac[6])
{
	if (mwnl_mac_parse(s, mac))
		return fail("invalid mac \"%s\" (xx:xx:xx:xx:xx:xx)", s);
	return 0;
}

int parse_u32(const char *kw, const char *s, uint32_t min, uint32_t max,
	      uint32_t *val)
{
	if (mwnl_u32_parse(s, min, max, val))
		return fail("invalid %s \"%s\" (%u..%u)", kw, s, min, max);
	return 0;
}

int parse_ifname(const char *s, const char **name)
{
	if (!*s || strlen(s) >= IF_NAMESIZE || strchr(s, '/') ||
	    strpbrk(s, " \t\n:"))
		return fail("invalid device name \"%s\"", s);
	*name = s;
	return 0;
}

int parse_onoff(const char *kw, const char *s, bool *val)
{
	if (is(s, "on") || is(s, "off")) {
		*val = is(s, "on");
		return 0;
	}
	return fail("invalid %s \"%s\" (on or off)", kw, s);
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
