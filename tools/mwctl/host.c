// SPDX-License-Identifier: GPL-2.0
/*
 * mwctl host: add, set, del, show. host stats is in stats.c.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "mwctl.h"

void host_usage(void)
{
	fputs("Usage: mwctl host add name NAME address A.B.C.D [id UUID] [local]\n"
	      "       mwctl host replace name NAME address A.B.C.D id UUID [local]\n"
	      "       mwctl host set HOST [name NAME] [address A.B.C.D]\n"
	      "                      [local|remote]\n"
	      "       mwctl host del HOST [cascade]\n"
	      "       mwctl [-j] [-p] host show [HOST]\n"
	      "       mwctl [-j] [-p] host stats [HOST]\n"
	      "HOST := { NAME | UUID }\n", stdout);
}

int host_parse(struct nlmsghdr *nlh, struct mw_host *h)
{
	struct nlattr *tb[MIDWAY_A_HOST_MAX + 1];

	memset(h, 0, sizeof(*h));
	if (mwnl_parse(nlh, tb, MIDWAY_A_HOST_MAX) ||
	    !mwnl_get_uuid(tb[MIDWAY_A_HOST_ID], &h->id))
		return -EPROTO;
	get_str(tb[MIDWAY_A_HOST_NAME], h->name, sizeof(h->name));
	h->addr = get_u32(tb[MIDWAY_A_HOST_ADDR], 0);
	h->local = get_u8(tb[MIDWAY_A_HOST_LOCAL], 0);
	return 0;
}

static int collect(struct nlmsghdr *nlh, void *arg)
{
	struct mw_host h;

	if (!host_parse(nlh, &h))
		*(struct mw_host *)vec_push(arg) = h;
	return 0;
}

int host_dump(struct vec *hosts)
{
	return mwnl_request(nl(), new_msg(MIDWAY_CMD_HOST_GET, NLM_F_DUMP),
			    collect, hosts);
}

/*
 * show:  host NAME id UUID address A.B.C.D [local]
 * event: host EVENT NAME UUID address A.B.C.D [local]
 */
void host_print_fields(const struct mw_host *h, const char *event)
{
	char id[MWNL_UUID_STRLEN], addr[MWNL_PREFIX_STRLEN];

	mwnl_uuid_fmt(&h->id, id);
	out_obj_begin();
	out_text("host");
	if (event) {
		out_str("object", NULL, "host");
		out_str("event", "%s", event);
	}
	out_str("name", NULL, h->name);
	out_text("%s", h->name[0] ? h->name : id);
	out_str("id", event ? "%s" : "id %s", id);
	out_str("address", "address %s", mwnl_addr_fmt(h->addr, addr));
	out_bool("local", "local", NULL, h->local);
}

void host_print(const struct mw_host *h, const char *event)
{
	host_print_fields(h, event);
	out_obj_end();
}

struct host_args {
	const char	*name;
	bool		has_addr;
	uint32_t	addr;
	int		local;		/* -1: not given */
};

/* Keywords common to add and set; 1 if @arg is none of them. */
static int host_common_arg(struct cmdline *c, const char *arg,
			   struct host_args *a)
{
	const char *v;

	if (is(arg, "name")) {
		v = cl_value(c, arg);
		return v && !parse_name(v, &a->name) ? 0 : -1;
	}
	if (is(arg, "address")) {
		v = cl_value(c, arg);
		a->has_addr = true;
		return v && !parse_addr(arg, v, &a->addr) ? 0 : -1;
	}
	if (is(arg, "local") || is(arg, "remote")) {
		a->local = is(arg, "local");
		return 0;
	}
	return 1;
}

static void host_put_common(struct nl_msg *msg, const struct host_args *a)
{
	if (a->name)
		put_str(msg, MIDWAY_A_HOST_NAME, a->name);
	if (a->has_addr)
		put_u32(msg, MIDWAY_A_HOST_ADDR, a->addr);
	if (a->local >= 0)
		put_u8(msg, MIDWAY_A_HOST_LOCAL, a->local);
}

static int host_add(struct cmdline *c, bool replace)
{
	struct host_args a = { .local = -1 };
	struct mwnl_uuid given, id;
	bool have_id = false;
	struct nl_msg *msg;
	const char *arg, *v;
	int ret;

	while ((arg = cl_next(c))) {
		ret = host_common_arg(c, arg, &a);
		if (ret < 0)
			return -1;
		if (!ret)
			continue;
		if (!is(arg, "id"))
			return bad_arg(c, arg);
		v = cl_value(c, arg);
		if (!v || parse_uuid(arg, v, &given))
			return -1;
		have_id = true;
	}
	if (!a.name)
		return fail("host add needs \"name NAME\"");
	if (!a.has_addr)
		return fail("host add needs \"address A.B.C.D\"");
	if (a.local == 0)
		a.local = -1;	/* remote is the default */
	if (replace && !have_id)
		return fail("host replace needs \"id UUID\"");
	if (new_id(have_id ? &given : NULL, &id))
		return -1;

	msg = new_msg(MIDWAY_CMD_HOST_NEW, replace ? NLM_F_REPLACE : 0);
	put_uuid(msg, MIDWAY_A_HOST_ID, &id);
	host_put_common(msg, &a);
	return request(msg, NULL, NULL);
}

static int host_set(struct cmdline *c)
{
	struct host_args a = { .local = -1 };
	const char *which = cl_next(c), *arg;
	struct mwnl_uuid id;
	struct nl_msg *msg;
	int ret;

	if (!which)
		return fail("host set needs HOST");
	while ((arg = cl_next(c))) {
		ret = host_common_arg(c, arg, &a);
		if (ret < 0)
			return -1;
		if (ret)
			return bad_arg(c, arg);
	}
	if (resolve(MW_HOST, which, NULL, &id))
		return -1;

	msg = new_msg(MIDWAY_CMD_HOST_SET, 0);
	put_uuid(msg, MIDWAY_A_HOST_ID, &id);
	host_put_common(msg, &a);
	return request(msg, NULL, NULL);
}

static int host_del(struct cmdline *c)
{
	const char *which = cl_next(c), *arg;
	bool cascade = false;
	struct mwnl_uuid id;
	struct nl_msg *msg;

	if (!which)
		return fail("host del needs HOST");
	while ((arg = cl_next(c))) {
		if (is(arg, "cascade"))
			cascade = true;
		else
			return bad_arg(c, arg);
	}
	if (resolve(MW_HOST, which, NULL, &id))
		return -1;

	msg = new_msg(MIDWAY_CMD_HOST_DEL, 0);
	put_uuid(msg, MIDWAY_A_HOST_ID, &id);
	if (cascade)
		put_flag(msg, MIDWAY_A_HOST_CASCADE);
	return request(msg, NULL, NULL);
}

static int host_show(struct cmdline *c)
{
	const char *which = cl_next(c), *arg;
	struct vec v = VEC(struct mw_host);
	size_t i, shown = 0;

	arg = cl_next(c);
	if (arg)
		return bad_arg(c, arg);
	if (host_dump(&v))
		return fail_nl(nl());

	for (i = 0; i < v.n; i++) {
		struct mw_host *h = vec_at(&v, struct mw_host, i);

		if (!which || names_match(which, &h->id, h->name))
			shown++;
	}
	if (which && !shown) {
		vec_free(&v);
		return fail("no host \"%s\"", which);
	}

	out_list_begin();
	for (i = 0; i < v.n; i++) {
		struct mw_host *h = vec_at(&v, struct mw_host, i);

		if (!which || names_match(which, &h->id, h->name))
			host_print(h, NULL);
	}
	out_list_end();
	vec_free(&v);
	return 0;
}

int do_host(struct cmdline *c)
{
	const char *cmd = cl_next(c);

	if (!cmd || is(cmd, "show") || is(cmd, "list") || is(cmd, "ls"))
		return host_show(c);
	if (is(cmd, "add") || is(cmd, "replace"))
		return host_add(c, is(cmd, "replace"));
	if (is(cmd, "set"))
		return host_set(c);
	if (is(cmd, "del") || is(cmd, "delete"))
		return host_del(c);
	if (is(cmd, "stats"))
		return do_host_stats(c);
	if (is(cmd, "help")) {
		host_usage();
		return 0;
	}
	return bad_cmd(c, cmd);
}
