/* SPDX-License-Identifier: GPL-2.0 */
/* kcompat: the kernel's byte order helpers, over the uapi ones. */
#ifndef _KCOMPAT_ASM_BYTEORDER_H
#define _KCOMPAT_ASM_BYTEORDER_H

#include_next <asm/byteorder.h>

#define be32_to_cpu(x)	__be32_to_cpu(x)
#define cpu_to_be32(x)	__cpu_to_be32(x)
#define be16_to_cpu(x)	__be16_to_cpu(x)
#define cpu_to_be16(x)	__cpu_to_be16(x)

#endif
