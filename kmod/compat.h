/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels midway supports (Debian's 6.1 and 6.12
 * LTS), kept here so that the rest of the module reads as if written for one
 * kernel.
 */
#ifndef _MW_COMPAT_H
#define _MW_COMPAT_H

#include <linux/version.h>
#include <net/genetlink.h>

/* 6.5 moved the GSO helpers (skb_gso_validate_network_len) to net/gso.h. */
#if KERNEL_VERSION(6, 5, 0) <= LINUX_VERSION_CODE
#include <net/gso.h>
#endif

/* 6.2 turned the dump's parsed attributes into a struct genl_info. */
static inline struct nlattr **mw_dump_attrs(struct netlink_callback *cb)
{
#if KERNEL_VERSION(6, 2, 0) <= LINUX_VERSION_CODE
	return genl_info_dump(cb)->attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

#endif /* _MW_COMPAT_H */
