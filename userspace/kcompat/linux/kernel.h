/* SPDX-License-Identifier: GPL-2.0 */
/* kcompat: the uapi <linux/kernel.h>, and the kernel's in ../kcompat.h. */
#include_next <linux/kernel.h>
#include "../kcompat.h"
