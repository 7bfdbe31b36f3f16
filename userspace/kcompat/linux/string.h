/* SPDX-License-Identifier: GPL-2.0 */
/* kcompat: the uapi <linux/string.h>, and the kernel's in ../kcompat.h. */
#include_next <linux/string.h>
#include "../kcompat.h"
