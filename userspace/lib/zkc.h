/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zkc: what midwayd and mwtopo share about ZooKeeper (the C client,
 * libzookeeper-mt): credentials and digest ACLs, paths, a synchronous
 * connect. Documentation/zookeeper.md describes the trees and their ACLs.
 */
#ifndef ZKC_H
#define ZKC_H

#include <stdbool.h>
#include <stddef.h>

#include <zookeeper/zookeeper.h>

#define ZKC_ROOT_DEFAULT	"/midway"
#define ZKC_PATH_MAX		512
#define ZKC_ERR_MAX		256
#define ZKC_USER_MAX		64
#define ZKC_PASS_MAX		128
/* "user:" and base64 of a SHA-1 (28 characters) */
#define ZKC_DIGEST_MAX		(ZKC_USER_MAX + 32)

struct zkc_cred {
	bool	set;
	char	user[ZKC_USER_MAX];
	char	pass[ZKC_PASS_MAX];
};

/*
 * Read a credentials file: one line "user:password". The file must not be
 * readable by group or others. 0, or -errno with the reason in @err.
 */
int zkc_cred_load(const char *path, struct zkc_cred *c, char err[ZKC_ERR_MAX]);

/* The digest scheme's id of @c: "user:base64(sha1(user:password))". */
int zkc_cred_digest(const struct zkc_cred *c, char out[ZKC_DIGEST_MAX]);

/*
 * The ACLs of the trees (Documentation/zookeeper.md): config: operator all,
 * controller read; state directories: operator read, controller read,
 * create and delete; the controllers' ephemeral nodes: operator read,
 * controller all. Built from the two digest ids.
 */
struct zkc_acls {
	char	op[ZKC_DIGEST_MAX];
	char	ctl[ZKC_DIGEST_MAX];
	struct ACL config_acl[2];
	struct ACL state_acl[2];
	struct ACL ephemeral_acl[2];
	struct ACL_vector config;
	struct ACL_vector state;
	struct ACL_vector ephemeral;	/* the controllers' nodes in state */
};

void zkc_acls_init(struct zkc_acls *a, const char *op_digest,
		   const char *ctl_digest);

/*
 * The ACL the nodes created in a state directory take. ZooKeeper masks the
 * digests in getACL answers (to anyone without ADMIN), so a controller
 * cannot copy a directory's ACL: mwtopo init writes it, as JSON, as the
 * data of the directory (readable only by the two identities):
 *   {"version": "1.0", "acl": [{"scheme": "digest", "id": "user:hash",
 *    "perms": 1}, ...]}
 * encode: a malloc'd string or NULL; decode: 0 and @v allocated (free it
 * with deallocate_ACL_vector()), or -EINVAL (-ENOENT: no "acl" in it).
 */
char *zkc_acl_encode(const struct ACL_vector *v);
int zkc_acl_decode(const char *data, int len, struct ACL_vector *v);

/*
 * "<root>/<dir>/<node>" (dir and node may be NULL). 0, or -ENAMETOOLONG.
 * @root must start with '/' and not end with one (except "/" itself).
 */
int zkc_path(char *buf, size_t size, const char *root, const char *dir,
	     const char *node);
/* Whether @root is a usable root path. */
bool zkc_root_ok(const char *root);

/*
 * Connect to @hosts and wait up to @wait_ms for the session; add @cred
 * (if set) as digest auth and wait for the server's answer. NULL with the
 * reason in @err. For tools; midwayd runs its own asynchronous session.
 */
zhandle_t *zkc_connect_sync(const char *hosts, int timeout_ms, int wait_ms,
			    const struct zkc_cred *cred, char err[ZKC_ERR_MAX]);

/* Add digest auth to @zh and wait for the answer (ZOK or an error). */
int zkc_add_auth_sync(zhandle_t *zh, const struct zkc_cred *cred,
		      int wait_ms);

/* The ZooKeeper client's log: quiet (errors only) unless @verbose. */
void zkc_log_quiet(bool verbose);

#endif /* ZKC_H */
