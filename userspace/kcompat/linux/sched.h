/* SPDX-License-Identifier: GPL-2.0 */
/* kcompat: the uapi <linux/sched.h>, and the kernel's in ../kcompat.h. */
#include_next <linux/sched.h>
#include "../kcompat.h"
