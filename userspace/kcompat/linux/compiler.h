/* SPDX-License-Identifier: GPL-2.0 */
/* kcompat: <linux/compiler.h> is part of the shim in ../kcompat.h. */
#include "../kcompat.h"
