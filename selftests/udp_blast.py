#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""udp_blast.py ADDR SIZE SECONDS: send SIZE-byte UDP datagrams to ADDR:9
(discard) as fast as possible for SECONDS, without DF, so that they are
fragmented on the way; print how many were sent. A load generator for
harden.sh (ping -f waits for its replies and sends too little)."""
import socket
import sys
import time

IP_MTU_DISCOVER = getattr(socket, "IP_MTU_DISCOVER", 10)
IP_PMTUDISC_DONT = getattr(socket, "IP_PMTUDISC_DONT", 0)

addr, size, secs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DONT)
payload = b"m" * size
sent = 0
end = time.monotonic() + secs
while time.monotonic() < end:
    for _ in range(100):
        try:
            s.sendto(payload, (addr, 9))
            sent += 1
        except OSError:
            pass
print(f"udp_blast: {sent} datagrams of {size} bytes")
