/* SPDX-License-Identifier: GPL-2.0 */
/* kcompat: <linux/overflow.h> is part of the shim in ../kcompat.h. */
#include "../kcompat.h"
