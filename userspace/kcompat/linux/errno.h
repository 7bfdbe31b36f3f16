/* SPDX-License-Identifier: GPL-2.0 */
/* kcompat: the error numbers are the uapi ones. */
#include_next <linux/errno.h>
