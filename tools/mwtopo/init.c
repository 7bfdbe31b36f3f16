// SPDX-License-Identifier: GPL-2.0
/*
 * mwtopo init: the trees of Documentation/zookeeper.md with their ACLs,
 * created in one multi-op. Nodes that exist are left as they are, so init
 * may run again (or twice at once: the loser of the race reads again).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mwtopo.h"

void init_usage(void)
{
	fputs("Usage: mwtopo init [controller-credentials FILE | controller-digest USER:DIGEST]\n"
	      "       (also --controller-credentials FILE)\n", stdout);
}

#define INIT_MAX	32

struct init_node {
	char			path[ZKC_PATH_MAX];
	bool			state;	/* state ACL, else config ACL */
};

static int add(struct init_node *n, int *cnt, const char *root,
	       const char *dir, bool state)
{
	if (*cnt >= INIT_MAX)
		return fail("root %s is too deep", root);
	if (zkc_path(n[*cnt].path, sizeof(n[*cnt].path), root, dir, NULL))
		return fail("root %s is too long", root);
	n[*cnt].state = state;
	(*cnt)++;
	return 0;
}

/* Every node init makes, parents first: the root's missing ancestors too. */
static int init_nodes(struct init_node *n, int *cnt)
{
	static const char *const cfg[] = { "config", "config/routers",
		"config/ports", "config/routes", "config/hosts",
		"config/bindings", "config/keys" };
	/*
	 * "state" itself has the config ACL: the operator creates the two
	 * directories under it, which the state ACL (operator: read) would
	 * not allow.
	 */
	static const char *const st[] = { "state/hosts", "state/active" };
	const char *root = opt.root;
	int ret = 0;

	*cnt = 0;
	for (const char *p = strchr(root + 1, '/'); p && !ret;
	     p = strchr(p + 1, '/')) {
		if (*cnt >= INIT_MAX)
			return fail("root %s is too deep", root);
		snprintf(n[*cnt].path, sizeof(n[*cnt].path), "%.*s",
			 (int)(p - root), root);
		n[(*cnt)++].state = false;
	}
	if (strcmp(root, "/"))
		ret = add(n, cnt, root, NULL, false);
	for (size_t i = 0; i < sizeof(cfg) / sizeof(cfg[0]) && !ret; i++)
		ret = add(n, cnt, root, cfg[i], false);
	if (!ret)
		ret = add(n, cnt, root, "state", false);
	for (size_t i = 0; i < sizeof(st) / sizeof(st[0]) && !ret; i++)
		ret = add(n, cnt, root, st[i], true);
	return ret;
}

static int digest_of(const char *file, const char *who,
		     char out[ZKC_DIGEST_MAX])
{
	char err[ZKC_ERR_MAX];
	struct zkc_cred c;

	if (zkc_cred_load(file, &c, err))
		return fail("%s credentials: %s", who, err);
	if (zkc_cred_digest(&c, out))
		return fail("%s credentials: too long", who);
	return 0;
}

int do_init(struct cmdline *c)
{
	const char *ctl_file = NULL, *ctl_digest = NULL, *arg;
	char op[ZKC_DIGEST_MAX], ctl[ZKC_DIGEST_MAX];
	struct init_node nodes[INIT_MAX];
	zoo_op_t ops[INIT_MAX];
	zoo_op_result_t res[INIT_MAX];
	struct zkc_acls acls;
	char *tmpl = NULL;
	cJSON *j, *list;
	zhandle_t *zh;
	int cnt, nops = 0, rc = ZOK, ret = -1;
	int idx[INIT_MAX];

	while ((arg = cl_next(c))) {
		if (is(arg, "help")) {
			init_usage();
			return 0;
		} else if (is(arg, "controller-credentials") ||
			   is(arg, "--controller-credentials")) {
			ctl_file = cl_value(c, "controller-credentials");
			if (!ctl_file)
				return ERR_USAGE;
		} else if (is(arg, "controller-digest")) {
			ctl_digest = cl_value(c, "controller-digest");
			if (!ctl_digest)
				return ERR_USAGE;
			if (!strchr(ctl_digest, ':') ||
			    strlen(ctl_digest) >= ZKC_DIGEST_MAX)
				return usage_err("invalid controller-digest \"%s\" (user:base64 of SHA-1)",
						 ctl_digest);
		} else {
			return bad_arg(c, arg);
		}
	}
	if (ctl_file && ctl_digest)
		return usage_err("controller-credentials and controller-digest both given");
	if (opt.cred_file && !ctl_file && !ctl_digest)
		return usage_err("init with credentials needs the controller's: --controller-credentials FILE");
	if (!opt.cred_file && (ctl_file || ctl_digest))
		return usage_err("the controller's credentials without the operator's (--credentials FILE)");
	if (init_nodes(nodes, &cnt))
		return -1;

	if (opt.cred_file) {
		if (digest_of(opt.cred_file, "operator", op))
			return -1;
		if (ctl_file && digest_of(ctl_file, "controller", ctl))
			return -1;
		if (ctl_digest)
			snprintf(ctl, sizeof(ctl), "%s", ctl_digest);
		if (!strcmp(op, ctl))
			return fail("the operator and the controller have the same identity");
		zkc_acls_init(&acls, op, ctl);
		tmpl = zkc_acl_encode(&acls.ephemeral);
		if (!tmpl)
			return fail("out of memory");
	} else {
		warn("no credentials: creating %s with open ACLs, writable by anyone (development only)",
		     opt.root);
	}

	zh = store_connect();
	if (!zh)
		return -1;
	for (int attempt = 0; attempt < 2; attempt++) {
		struct Stat st;

		nops = 0;
		for (int i = 0; i < cnt; i++) {
			rc = zoo_exists(zh, nodes[i].path, 0, &st);
			if (rc == ZOK)
				continue;
			if (rc != ZNONODE) {
				zk_fail(rc, "reading", nodes[i].path);
				goto out;
			}
			/*
			 * A state directory holds the ACL of the nodes the
			 * controllers create in it (zkc.h: zkc_acl_decode).
			 */
			zoo_create_op_init(&ops[nops], nodes[i].path,
					   opt.cred_file && nodes[i].state ?
					   tmpl : NULL,
					   opt.cred_file && nodes[i].state ?
					   (int)strlen(tmpl) : -1,
					   !opt.cred_file ? &ZOO_OPEN_ACL_UNSAFE :
					   nodes[i].state ? &acls.state :
					   &acls.config, 0, NULL, 0);
			idx[nops++] = i;
		}
		if (!nops)
			break;
		rc = zoo_multi(zh, nops, ops, res);
		if (rc != ZNODEEXISTS)
			break;
	}
	if (rc != ZOK) {
		for (int i = 0; i < nops; i++)
			if (res[i].err != ZOK &&
			    res[i].err != ZRUNTIMEINCONSISTENCY) {
				zk_fail(rc, "creating", nodes[idx[i]].path);
				goto out;
			}
		fail("creating %s: %s", opt.root, zk_err(rc));
		goto out;
	}
	if (opt.json) {
		j = jcheck(cJSON_CreateObject());
		jcheck(cJSON_AddStringToObject(j, "root", opt.root));
		jcheck(cJSON_AddStringToObject(j, "acl", opt.cred_file ?
					       "digest" : "open"));
		list = jcheck(cJSON_AddArrayToObject(j, "created"));
		for (int i = 0; i < nops; i++)
			cJSON_AddItemToArray(list, jcheck(cJSON_CreateString(
				nodes[idx[i]].path)));
		json_print(j);
	} else if (nops) {
		printf("initialised %s: %d nodes created, %s ACLs\n", opt.root,
		       nops, opt.cred_file ? "digest" : "open");
	} else {
		printf("%s is initialised already\n", opt.root);
	}
	ret = 0;
out:
	zookeeper_close(zh);
	free(tmpl);
	return ret;
}
