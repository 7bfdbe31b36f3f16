# SPDX-License-Identifier: GPL-2.0
#
# Draws the per-run figures of tools/bench/tunnel_bench.sh: one point per
# run and path, the median as a bar.
#   gnuplot -e "dat='X.dat'; med='X.med'; out='X.png'; ttl='TITLE'" tunnel_bench.gp
# X.dat: "path round pps gbps" per run; X.med: "path pps gbps" per path.

set terminal pngcairo size 1100,480 font ",10"
set output out
idx(s) = (s eq "midway") ? 0 : (s eq "linux") ? 1 : 2
# Runs side by side, a little apart, so that equal figures stay visible.
stats dat using 2 nooutput
R = STATS_max
x(s, r) = idx(s) + (r - (R + 1) / 2.0) * 0.3 / R
set xtics ("midway\n(routes once)" 0, "linux\n(routes twice)" 1, "linux-bridge\n(routes, bridges)" 2)
set bmargin 4
set xrange [-0.6:2.6]
set yrange [0:*]
set grid ytics
set key bottom right
set tmargin 4
set multiplot layout 1,2 title ttl font ",11"
set title "64-byte UDP (pktgen), packets/s at the receiving VM"
set ylabel "packets/s"
plot dat using (x(strcol(1), $2)):3 with points pt 7 ps 1.3 lc rgb "#1f77b4" title "one run", \
     med using (idx(strcol(1)) - 0.3):2:(0.6):(0) with vectors nohead lw 2 lc rgb "#d62728" title "median"
set title "TCP (iperf3, one stream), throughput at the receiver"
set ylabel "Gbit/s"
plot dat using (x(strcol(1), $2)):4 with points pt 7 ps 1.3 lc rgb "#1f77b4" title "one run", \
     med using (idx(strcol(1)) - 0.3):3:(0.6):(0) with vectors nohead lw 2 lc rgb "#d62728" title "median"
unset multiplot
