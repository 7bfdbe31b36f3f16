// SPDX-License-Identifier: GPL-2.0
/*
 * What is not about one object type: permissions (NEW/SET/DEL need
 * CAP_NET_ADMIN over the netns, GET does not), network namespaces (separate
 * instances, destroyed with their namespace), the module's limits
 * (ENOSPC), strict validation of dumps, commands the family does not have.
 */
#include <grp.h>
#include <sys/mount.h>
#include <net/if.h>
#include <sys/syscall.h>

#include "mw_test.h"

MW_FIXTURE(misc);

#define NOBODY 65534

/* Router, host, exterior port on it, route via it: one of each. */
static int one_of_each(struct mw_sock *s)
{
	struct mw_id h = HID(1), p = PID(1);

	return mw_router_new(s, RID(1), "r1") ?:
	       mw_host_new(s, HID(1), mw_ip(192, 0, 2, 1), 0) ?:
	       mw_port_ext(s, PID(1), RID(1), &h) ?:
	       mw_route_new(s, TID(1), RID(1), mw_ip(10, 0, 0, 0), 8,
			    MIDWAY_NH_PORT, &p, 0);
}

/*
 * Every change request there is, on the objects of one_of_each(), in an
 * order in which each succeeds when sent by root.
 */
static struct nl_msg *change_req(struct mw_sock *s, int i, const char **what)
{
	struct nl_msg *m;

	switch (i) {
	case 0:
		*what = "ROUTER_NEW";
		return MSG_ROUTER(s, MIDWAY_CMD_ROUTER_NEW, RID(2));
	case 1:
		*what = "PORT_NEW";
		return mw_msg_port_new(s, PID(2), RID(1), MIDWAY_PORT_KIND_INTERIOR);
	case 2:
		*what = "ROUTE_NEW";
		return mw_msg_route_new(s, TID(2), RID(1), 0, 0, MIDWAY_NH_BLACKHOLE);
	case 3:
		*what = "HOST_NEW";
		m = MSG_HOST(s, MIDWAY_CMD_HOST_NEW, HID(2));
		nla_put_u32(m, MIDWAY_A_HOST_ADDR, mw_ip(192, 0, 2, 2));
		return m;
	case 4:
		*what = "ROUTER_SET";
		m = MSG_ROUTER(s, MIDWAY_CMD_ROUTER_SET, RID(1));
		nla_put_u8(m, MIDWAY_A_ROUTER_ADMIN_UP, 0);
		return m;
	case 5:
		*what = "PORT_SET";
		m = MSG_PORT(s, MIDWAY_CMD_PORT_SET, PID(1));
		nla_put_u8(m, MIDWAY_A_PORT_ADMIN_UP, 0);
		return m;
	case 6:
		*what = "HOST_SET";
		m = MSG_HOST(s, MIDWAY_CMD_HOST_SET, HID(1));
		nla_put_u8(m, MIDWAY_A_HOST_LOCAL, 1);
		return m;
	case 7:
		*what = "ROUTE_DEL";
		return MSG_ROUTE(s, MIDWAY_CMD_ROUTE_DEL, TID(1));
	case 8:
		*what = "PORT_DEL";
		m = MSG_PORT(s, MIDWAY_CMD_PORT_DEL, PID(1));
		nla_put_flag(m, MIDWAY_A_PORT_CASCADE);
		return m;
	case 9:
		*what = "HOST_DEL";
		m = MSG_HOST(s, MIDWAY_CMD_HOST_DEL, HID(1));
		nla_put_flag(m, MIDWAY_A_HOST_CASCADE);
		return m;
	case 10:
		*what = "ROUTER_DEL";
		m = MSG_ROUTER(s, MIDWAY_CMD_ROUTER_DEL, RID(1));
		nla_put_flag(m, MIDWAY_A_ROUTER_CASCADE);
		return m;
	}
	return NULL;
}

static void drop_to_nobody(struct __test_metadata *_metadata)
{
	EXPECT_EQ(0, setgroups(0, NULL));
	EXPECT_EQ(0, setresgid(NOBODY, NOBODY, NOBODY));
	EXPECT_EQ(0, setresuid(NOBODY, NOBODY, NOBODY));
	EXPECT_EQ(NOBODY, geteuid());
}

/* In a child as nobody: no change goes through, every read does. */
static void unprivileged_checks(struct __test_metadata *_metadata,
				struct mw_sock *s, const char *how)
{
	const char *what;
	struct nl_msg *m;
	struct mw_result r;
	struct mw_msg *o;
	int i, err;

	for (i = 0; (m = change_req(s, i, &what)); i++) {
		err = mw_exec(s, m, &r);
		EXPECT_EQ(-EPERM, err)
			TH_LOG("%s %s as nobody: %s (extack '%s')", how, what,
			       strerror(-err), r.emsg);
		mw_result_free(&r);
	}
	EXPECT_EQ(1, mw_count(s, MIDWAY_CMD_ROUTER_GET, 0, NULL)) TH_LOG("%s", how);
	EXPECT_EQ(1, mw_count(s, MIDWAY_CMD_PORT_GET, 0, NULL));
	EXPECT_EQ(1, mw_count(s, MIDWAY_CMD_ROUTE_GET, 0, NULL));
	EXPECT_EQ(1, mw_count(s, MIDWAY_CMD_HOST_GET, 0, NULL));
	o = GET_ROUTER(s, RID(1));
	EXPECT_NE(NULL, o) TH_LOG("%s GET as nobody: %s", how, s->last_emsg);
	free(o);
	o = GET_PORT(s, PID(1));
	EXPECT_NE(NULL, o);
	free(o);
	o = GET_ROUTE(s, TID(1));
	EXPECT_NE(NULL, o);
	free(o);
	o = GET_HOST(s, HID(1));
	EXPECT_NE(NULL, o);
	free(o);
}

TEST_F(misc, unprivileged_cannot_change)
{
	struct mw_snap before, after;
	struct mw_sock *s = self->s, *us;
	const char *what;
	struct nl_msg *m;
	int status, i;
	pid_t pid;

	MW_DO(s, one_of_each(s));
	mw_snapshot(s, &before);

	/* A socket opened by nobody. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		drop_to_nobody(_metadata);
		us = mw_open();
		EXPECT_NE(NULL, us);
		if (us)
			unprivileged_checks(_metadata, us, "own socket:");
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));

	/* A socket root opened, used after dropping privileges. */
	us = mw_open();
	ASSERT_NE(NULL, us);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		drop_to_nobody(_metadata);
		unprivileged_checks(_metadata, us, "root's socket:");
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	mw_close(us);

	mw_snapshot(s, &after);
	EXPECT_TRUE(mw_snap_equal(&before, &after)) TH_LOG("nobody changed the instance");
	mw_snap_free(&before);
	mw_snap_free(&after);

	/* The same requests as root succeed (the checks above were fair). */
	for (i = 0; (m = change_req(s, i, &what)); i++) {
		EXPECT_EQ(0, mw_exec(s, m, NULL)) TH_LOG("%s as root: %s", what, s->last_emsg);
	}
	EXPECT_EQ(1, mw_count(s, MIDWAY_CMD_ROUTER_GET, 0, NULL));
}

/*
 * The VM runs tests chrooted into the host's root, and a chrooted process
 * may not create user namespaces. In a mount namespace of its own, a child
 * climbs out of the chroot and moves the chroot's mount over "/", the way
 * switch_root does: same files, but now the root of its mount namespace.
 */
static int unchroot(void)
{
	char cwd[4096];
	int fd, i;

	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return -1;
	fd = open("/", O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return -1;
	/* The classic way out: chroot below the cwd, then walk up. */
	mkdir("/tmp/.mw-unchroot", 0700);
	if (chroot("/tmp/.mw-unchroot") || fchdir(fd))
		return -1;
	for (i = 0; i < 64; i++)
		if (chdir(".."))
			return -1;
	if (chroot("."))
		return -1;
	/* Back into the old root, now seen from the real one. */
	if (fchdir(fd) || !getcwd(cwd, sizeof(cwd)) || !strcmp(cwd, "/"))
		return -1;
	close(fd);
	if (mount(".", "/", NULL, MS_MOVE, NULL) || chroot(".") || chdir("/"))
		return -1;
	return 0;
}

/*
 * CAP_NET_ADMIN in the user namespace that owns the netns is enough: an
 * unprivileged user with its own user and network namespace may configure
 * its own instance.
 */
TEST_F(misc, userns_owner_may_change)
{
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct mw_sock *us;

		if (unchroot())
			TH_LOG("could not leave the chroot: %s", strerror(errno));
		drop_to_nobody(_metadata);
		if (unshare(CLONE_NEWUSER | CLONE_NEWNET)) {
			TH_LOG("unshare(CLONE_NEWUSER|CLONE_NEWNET) as nobody: %s",
			       strerror(errno));
			_exit(KSFT_SKIP);
		}
		us = mw_open();
		EXPECT_NE(NULL, us);
		if (!us)
			_exit(0);
		EXPECT_EQ(0, one_of_each(us)) TH_LOG("%s", us->last_emsg);
		EXPECT_EQ(1, mw_count(us, MIDWAY_CMD_ROUTE_GET, 0, NULL));
		EXPECT_EQ(0, mw_del(us, MIDWAY_CMD_ROUTER_DEL, MIDWAY_A_ROUTER_ID,
				    RID(1), MIDWAY_A_ROUTER_CASCADE));
		mw_close(us);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	if (WIFEXITED(status) && WEXITSTATUS(status) == KSFT_SKIP)
		SKIP(return, "unprivileged user namespaces are disabled");
	/* The instance of the test's netns saw none of it. */
	EXPECT_EQ(0, mw_count(self->s, MIDWAY_CMD_ROUTER_GET, 0, NULL));
	EXPECT_EQ(0, mw_count(self->s, MIDWAY_CMD_HOST_GET, 0, NULL));
}

/* Two namespaces, two instances: same ids, same keys, no crosstalk. */
TEST_F(misc, netns_isolation)
{
	struct mw_sock *a = self->s, *b;
	struct nl_msg *m;
	struct mw_msg *o;

	MW_DO(a, one_of_each(a));
	m = MSG_HOST(a, MIDWAY_CMD_HOST_NEW, HID(2));
	nla_put_u32(m, MIDWAY_A_HOST_ADDR, mw_ip(192, 0, 2, 2));
	nla_put_u8(m, MIDWAY_A_HOST_LOCAL, 1);
	MW_OK(a, m);
	m = mw_msg_port_new(a, PID(2), RID(1), MIDWAY_PORT_KIND_INTERIOR);
	nla_put_u32(m, MIDWAY_A_PORT_TUNNEL_KEY, 5000);
	MW_OK(a, m);

	/* Socket a stays in the first netns; b lives in a second one. */
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	b = mw_open();
	ASSERT_NE(NULL, b);
	EXPECT_EQ(0, mw_count(b, MIDWAY_CMD_ROUTER_GET, 0, NULL));
	EXPECT_EQ(0, mw_count(b, MIDWAY_CMD_PORT_GET, 0, NULL));
	EXPECT_EQ(0, mw_count(b, MIDWAY_CMD_ROUTE_GET, 0, NULL));
	EXPECT_EQ(0, mw_count(b, MIDWAY_CMD_HOST_GET, 0, NULL));
	EXPECT_EQ(NULL, GET_ROUTER(b, RID(1)));
	EXPECT_EQ(NULL, GET_PORT(b, PID(1)));
	mw_reject_at(b, MSG_ROUTER(b, MIDWAY_CMD_ROUTER_DEL, RID(1)), ENOENT,
		  MIDWAY_A_ROUTER_ID, "delete another netns's router");
	m = MSG_PORT(b, MIDWAY_CMD_PORT_SET, PID(1));
	nla_put_u8(m, MIDWAY_A_PORT_ADMIN_UP, 0);
	mw_reject_at(b, m, ENOENT, MIDWAY_A_PORT_ID, "set another netns's port");

	/* The same ids, tunnel key and a local host of its own. */
	MW_DO(b, mw_router_new(b, RID(1), "b-side"));
	m = MSG_HOST(b, MIDWAY_CMD_HOST_NEW, HID(2));
	nla_put_u32(m, MIDWAY_A_HOST_ADDR, mw_ip(198, 51, 100, 2));
	nla_put_u8(m, MIDWAY_A_HOST_LOCAL, 1);
	MW_OK(b, m);
	m = mw_msg_port_new(b, PID(2), RID(1), MIDWAY_PORT_KIND_INTERIOR);
	nla_put_u32(m, MIDWAY_A_PORT_TUNNEL_KEY, 5000);
	MW_OK(b, m);
	EXPECT_EQ(1, mw_count(b, MIDWAY_CMD_ROUTER_GET, 0, NULL));

	o = GET_ROUTER(a, RID(1));
	ASSERT_NE(NULL, o);
	EXPECT_STREQ("r1", mw_str(o, MIDWAY_A_ROUTER_NAME) ?: "(none)");
	EXPECT_EQ(2, mw_u32(o, MIDWAY_A_ROUTER_N_PORTS));
	free(o);

	MW_DO(b, mw_del(b, MIDWAY_CMD_ROUTER_DEL, MIDWAY_A_ROUTER_ID, RID(1),
			MIDWAY_A_ROUTER_CASCADE));
	EXPECT_EQ(1, mw_count(a, MIDWAY_CMD_ROUTER_GET, 0, NULL));
	EXPECT_EQ(2, mw_count(a, MIDWAY_CMD_PORT_GET, 0, NULL));
	EXPECT_EQ(1, mw_count(a, MIDWAY_CMD_ROUTE_GET, 0, NULL));
	mw_close(b);
}

/* Builds a bit of everything in the caller's netns, then leaves it. */
static int populate(struct mw_sock *s, bool with_dev)
{
	struct mw_id h = HID(1), a = PID(10);
	struct nl_msg *m;
	int i, err;

	err = mw_router_new(s, RID(1), NULL) ?: mw_router_new(s, RID(2), NULL) ?:
	      mw_host_new(s, HID(1), mw_ip(192, 0, 2, 1), 0) ?:
	      mw_host_new(s, HID(2), mw_ip(192, 0, 2, 2), 1) ?:
	      mw_port_int(s, PID(10), RID(1), NULL) ?:
	      mw_port_int(s, PID(11), RID(2), &a);
	for (i = 0; !err && i < 20; i++) {
		struct mw_id p = PID(100 + i);

		err = mw_port_ext(s, p, RID(1 + i % 2), &h) ?:
		      mw_route_new(s, TID(i), RID(1 + i % 2), mw_ip(10, i, 0, 0), 16,
				   MIDWAY_NH_PORT, &p, 0);
	}
	if (err || !with_dev)
		return err;
	mw_sh("modprobe dummy 2>/dev/null");
	if (mw_sh("ip link add mwd0 type dummy 2>/dev/null && ip link set mwd0 up"))
		return 0;
	m = mw_msg_port_new(s, PID(1), RID(1), MIDWAY_PORT_KIND_EXTERIOR);
	mw_put_id(m, MIDWAY_A_PORT_HOST_ID, HID(2));
	nla_put_u32(m, MIDWAY_A_PORT_IFINDEX, if_nametoindex("mwd0"));
	return mw_exec(s, m, NULL);
}

/*
 * Objects die with their namespace: namespaces full of objects (one with a
 * port bound to a device, one with a listener) are dropped, in several ways,
 * without a trace in the kernel log.
 */
TEST_F(misc, objects_die_with_netns)
{
	int kmsg = mw_kmsg_open(), home, i, status;
	struct mw_sock *s, *ev;
	pid_t pid;

	/* Namespaces that die with the process that made them. */
	for (i = 0; i < 4; i++) {
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid) {
			if (unshare(CLONE_NEWNET))
				_exit(1);
			s = mw_open();
			ev = mw_open();
			if (!s || !ev || mw_subscribe(ev))
				_exit(2);
			_exit(populate(s, i % 2) ? 3 : 0);	/* no cleanup */
		}
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
			TH_LOG("child %d: status %#x", i, status);
	}

	/* A namespace kept alive by a socket only, dropped with it. */
	home = open("/proc/self/ns/net", O_RDONLY);
	ASSERT_LE(0, home);
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	s = mw_open();
	ASSERT_NE(NULL, s);
	EXPECT_EQ(0, populate(s, true)) TH_LOG("%s", s->last_emsg);
	ASSERT_EQ(0, setns(home, CLONE_NEWNET));
	close(home);
	mw_close(s);

	/* Namespace cleanup is asynchronous: give it time, then look. */
	sleep(2);
	EXPECT_EQ(0, mw_kmsg_problems(kmsg)) TH_LOG("kernel problems while namespaces died");
	close(kmsg);

	/* The module still works, here. */
	MW_DO(self->s, populate(self->s, false));
	EXPECT_EQ(2, mw_count(self->s, MIDWAY_CMD_ROUTER_GET, 0, NULL));
}

/* Dumps are strictly validated too; a filter is a router id. */
TEST_F(misc, dump_validation)
{
	uint8_t id15[15] = { 1 };
	struct mw_sock *s = self->s;
	struct mw_result r;
	struct nl_msg *m;
	int err;

	MW_DO(s, one_of_each(s));
	m = mw_req(s, MIDWAY_CMD_ROUTE_GET, 0);
	nla_put_u32(m, MIDWAY_A_ROUTE_MAX + 1, 0);
	err = mw_dump_raw(s, m, mw_list_add_cb, &(struct mw_list){ 0 }, &r);
	EXPECT_EQ(-EINVAL, err) TH_LOG("route dump with an unknown attribute: %s", strerror(-err));
	EXPECT_NE(0, r.emsg[0]) TH_LOG("no extack message");

	m = mw_req(s, MIDWAY_CMD_PORT_GET, 0);
	nla_put(m, MIDWAY_A_PORT_ROUTER_ID, sizeof(id15), id15);
	err = mw_dump_raw(s, m, mw_list_add_cb, &(struct mw_list){ 0 }, &r);
	EXPECT_EQ(-ERANGE, err) TH_LOG("port dump filtered by a 15-byte id: %s", strerror(-err));
	EXPECT_NE(0, r.emsg[0]) TH_LOG("no extack message");
}

/*
 * Every request without a required attribute is refused with a message
 * and the missing attribute's type, whichever command it is.
 */
TEST_F(misc, missing_attrs_named)
{
	static const struct {
		uint8_t cmd;
		int given, missing;
	} cases[] = {
		{ MIDWAY_CMD_ROUTE_LOOKUP, MIDWAY_A_ROUTE_ROUTER_ID, MIDWAY_A_ROUTE_DST },
		{ MIDWAY_CMD_NEIGH_NEW, MIDWAY_A_NEIGH_PORT_ID, MIDWAY_A_NEIGH_ADDR },
		{ MIDWAY_CMD_NEIGH_DEL, MIDWAY_A_NEIGH_PORT_ID, MIDWAY_A_NEIGH_ADDR },
	};
	struct mw_sock *s = self->s;
	struct mw_result r;
	unsigned int i;
	char what[64];

	MW_DO(s, one_of_each(s));
	for (i = 0; i < MW_ARRAY_SIZE(cases); i++) {
		struct nl_msg *m = mw_req(s, cases[i].cmd, 0);

		mw_put_id(m, cases[i].given,
			  cases[i].given == MIDWAY_A_ROUTE_ROUTER_ID ? RID(1) : PID(1));
		snprintf(what, sizeof(what), "command %u without attribute %d",
			 cases[i].cmd, cases[i].missing);
		__mw_reject(_metadata, s, m, EINVAL, 0, what, &r);
		EXPECT_TRUE(r.has_miss && r.miss_type == cases[i].missing)
			TH_LOG("%s: the missing attribute is not named", what);
		mw_result_free(&r);
	}
}

/* Commands the family does not have, or has for notifications only. */
TEST_F(misc, unknown_commands)
{
	static const uint8_t cmds[] = { MIDWAY_CMD_UNSPEC, MIDWAY_CMD_PORT_STATE,
					MIDWAY_CMD_MAX + 1, 200 };
	struct mw_sock *s = self->s;
	struct mw_result r;
	unsigned int i;
	int err;

	MW_DO(s, one_of_each(s));
	for (i = 0; i < MW_ARRAY_SIZE(cmds); i++) {
		struct nl_msg *m = mw_req(s, cmds[i], 0);

		mw_put_id(m, MIDWAY_A_PORT_ID, PID(1));
		err = mw_exec(s, m, &r);
		EXPECT_EQ(-EOPNOTSUPP, err) TH_LOG("command %u: %s", cmds[i], strerror(-err));
		if (!r.emsg[0])
			TH_LOG("note: command %u refused by the genetlink core without a message",
			       cmds[i]);
		mw_result_free(&r);
	}
	EXPECT_EQ(1, mw_count(s, MIDWAY_CMD_PORT_GET, 0, NULL));
}

/*
 * Limits of an instance, from the module parameters. The fixture restores
 * the parameters, whatever the test did.
 */
static const char *const limit_params[] = { "max_routers", "max_ports",
					    "max_routes", "max_hosts" };

FIXTURE(limits) {
	struct mw_sock *s;
	long saved[4];
};

FIXTURE_SETUP(limits)
{
	unsigned int i;

	for (i = 0; i < MW_ARRAY_SIZE(limit_params); i++) {
		self->saved[i] = mw_param_get(limit_params[i]);
		if (self->saved[i] < 0)
			SKIP(return, "no module parameter %s", limit_params[i]);
	}
	if (unshare(CLONE_NEWNET))
		SKIP(return, "unshare(CLONE_NEWNET): %s", strerror(errno));
	self->s = mw_open();
	ASSERT_NE(NULL, self->s);
}

FIXTURE_TEARDOWN(limits)
{
	unsigned int i;

	for (i = 0; i < MW_ARRAY_SIZE(limit_params); i++)
		if (self->saved[i] >= 0 &&
		    mw_param_set(limit_params[i], self->saved[i]))
			TH_LOG("could not restore %s=%ld", limit_params[i], self->saved[i]);
	mw_close(self->s);
}

TEST_F(limits, enospc)
{
	struct mw_sock *s = self->s, *b;
	struct mw_id h = HID(1), p = PID(1);
	struct nl_msg *m;
	int i, home;

	ASSERT_EQ(0, mw_param_set("max_routers", 3));
	ASSERT_EQ(0, mw_param_set("max_ports", 4));
	ASSERT_EQ(0, mw_param_set("max_routes", 5));
	ASSERT_EQ(0, mw_param_set("max_hosts", 2));
	EXPECT_EQ(3, mw_param_get("max_routers"));

	for (i = 1; i <= 3; i++)
		MW_DO(s, mw_router_new(s, RID(i), NULL));
	mw_reject(s, MSG_ROUTER(s, MIDWAY_CMD_ROUTER_NEW, RID(4)), ENOSPC,
		  "router beyond max_routers");

	MW_DO(s, mw_host_new(s, HID(1), mw_ip(192, 0, 2, 1), 0));
	MW_DO(s, mw_host_new(s, HID(2), mw_ip(192, 0, 2, 2), 1));
	m = MSG_HOST(s, MIDWAY_CMD_HOST_NEW, HID(3));
	nla_put_u32(m, MIDWAY_A_HOST_ADDR, mw_ip(192, 0, 2, 3));
	mw_reject(s, m, ENOSPC, "host beyond max_hosts");

	for (i = 1; i <= 4; i++)
		MW_DO(s, mw_port_ext(s, PID(i), RID(1), &h));
	m = mw_msg_port_new(s, PID(5), RID(2), MIDWAY_PORT_KIND_EXTERIOR);
	nla_put_u32(m, MIDWAY_A_PORT_TUNNEL_KEY, 999);
	mw_reject(s, m, ENOSPC, "port beyond max_ports");

	for (i = 1; i <= 5; i++)
		MW_DO(s, mw_route_new(s, TID(i), RID(1), mw_ip(10, i, 0, 0), 16,
				      MIDWAY_NH_PORT, &p, 0));
	mw_reject(s, mw_msg_route_new(s, TID(6), RID(2), 0, 0, MIDWAY_NH_BLACKHOLE),
		  ENOSPC, "route beyond max_routes");

	/* The tunnel key the refused port asked for is free. */
	MW_DO(s, mw_del(s, MIDWAY_CMD_PORT_DEL, MIDWAY_A_PORT_ID, PID(4), 0));
	m = mw_msg_port_new(s, PID(5), RID(2), MIDWAY_PORT_KIND_EXTERIOR);
	nla_put_u32(m, MIDWAY_A_PORT_TUNNEL_KEY, 999);
	MW_OK(s, m);

	/* Freed room can be used again. */
	MW_DO(s, mw_del(s, MIDWAY_CMD_ROUTE_DEL, MIDWAY_A_ROUTE_ID, TID(5), 0));
	MW_DO(s, mw_route_new(s, TID(6), RID(2), 0, 0, MIDWAY_NH_BLACKHOLE, NULL, 0));
	MW_DO(s, mw_del(s, MIDWAY_CMD_ROUTER_DEL, MIDWAY_A_ROUTER_ID, RID(3), 0));
	MW_DO(s, mw_router_new(s, RID(4), NULL));

	/* The limits are per instance: another netns has its own room. */
	home = open("/proc/self/ns/net", O_RDONLY);
	ASSERT_LE(0, home);
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	b = mw_open();
	ASSERT_NE(NULL, b);
	for (i = 1; i <= 3; i++)
		MW_DO(b, mw_router_new(b, RID(i), NULL));
	mw_reject(b, MSG_ROUTER(b, MIDWAY_CMD_ROUTER_NEW, RID(4)), ENOSPC,
		  "router beyond max_routers in a second netns");
	mw_close(b);
	ASSERT_EQ(0, setns(home, CLONE_NEWNET));
	close(home);

	/* Lowering a limit below the count keeps what exists. */
	ASSERT_EQ(0, mw_param_set("max_routers", 1));
	EXPECT_EQ(3, mw_count(s, MIDWAY_CMD_ROUTER_GET, 0, NULL));
	mw_reject(s, MSG_ROUTER(s, MIDWAY_CMD_ROUTER_NEW, RID(9)), ENOSPC,
		  "router beyond a lowered max_routers");
}

MW_TEST_MAIN
