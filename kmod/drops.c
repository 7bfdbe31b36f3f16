// SPDX-License-Identifier: GPL-2.0
/*
 * The names of the drop reasons, exported over netlink with the counters.
 */
#include "drops.h"

/* In the order of the list, so each name sits at its reason's index. */
const char *const mw_drop_names[MW_DROP_MAX] = {
#define MW_DROP_NAME(name, str) str,
	MW_DROP_REASONS(MW_DROP_NAME)
#undef MW_DROP_NAME
};
